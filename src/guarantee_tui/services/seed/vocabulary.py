"""The words of each market: names, places, trades, packs, reviews, explanations.

Everything here is *data*, written in the professional's own language (French
for France, European Portuguese for Portugal). None of it goes through
gettext: a French professional writes French whatever language the agent
reads in. The functions take the generator's one `random.Random`, so that a
seed always gives the same words.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Final

from guarantee_tui.policy import Market
from guarantee_tui.text import fold


@dataclass(frozen=True, slots=True)
class City:
    name: str
    region: str
    # FR: the two-digit landline prefix ("01"); PT: the landline prefix ("21", "253").
    area: str
    # The name after a preposition, contracted or elided as the language does:
    # where ("à Lyon", "au Havre"; "em Lisboa", "no Porto", "na Maia"), of or from
    # ("d'Angers", "du Mans"; "do Porto", "da Maia") and where to ("au Havre";
    # "a Lisboa", "ao Porto", "à Maia"). Some names take the article, and which do
    # is a fact about each name, not a rule: hence written out for every city.
    at: str
    of: str
    to: str

    def placeholders(self) -> dict[str, str]:
        """What templates may use: {city}, and {at_city}, {of_city}, {to_city} after
        a preposition (never "à {city}", which gives "à Le Havre")."""
        return {"city": self.name, "at_city": self.at, "of_city": self.of, "to_city": self.to}


def _fr_cities(*rows: tuple[str, str, str, str, str]) -> tuple[City, ...]:
    """(name, region, area, "à …", "de …"): French "à" says both where and where to."""
    return tuple(City(name, region, area, at, of, at) for name, region, area, at, of in rows)


def _pt_cities(*rows: tuple[str, str, str, str, str, str]) -> tuple[City, ...]:
    """(name, region, area, "em …", "de …", "a …")."""
    return tuple(City(*row) for row in rows)


@dataclass(frozen=True, slots=True)
class Title:
    """How a client is named by title and surname ("Mme Dubois", "Sra. Santos")."""

    word: str
    # The title as it opens a sentence: Portuguese puts the article before it
    # ("O Sr. Santos acabou por escolher…"), French does not ("M. Martin a…").
    subject: str


@dataclass(frozen=True, slots=True)
class Client:
    # As the marketplace lists the client: "Marie Dubois", "Mme Dubois", "Sra. Santos".
    name: str
    # The same client as the subject opening a sentence: "O Sr. Santos".
    subject: str


@dataclass(frozen=True, slots=True)
class Trade:
    # How the trade names a business ("Plomberie Martin", "Canalizações Gomes").
    company_word: str
    # How a sole trader calls himself ("Rui Costa – Eletricista"); FR reuses company_word.
    person_word: str
    jobs: tuple[str, ...]
    # Price of one contact, in credits.
    credits: tuple[int, int]


@dataclass(frozen=True, slots=True)
class PackOffer:
    name: str
    months: int
    price_eur: float


@dataclass(frozen=True, slots=True)
class CompanyPattern:
    template: str
    # A registered company (verified_company) rather than a sole trader.
    company: bool


@dataclass(frozen=True, slots=True)
class Explanations:
    """Fragments a professional's explanation of one contact is composed from."""

    # How the client was contacted (the pages advise: phone first, then e-mail).
    approaches: tuple[str, ...]
    # What happened; each is a sentence that may open with {client} (the client as
    # a subject) and use the city's placeholders (City.placeholders).
    outcomes: tuple[str, ...]
    # Short, hurried notes.
    terse: tuple[str, ...]
    follow_ups: tuple[str, ...]
    # "Never reached the client": false when the data shows a first contact.
    never_reached: tuple[str, ...]
    # What a professional who won the job writes when hoping nobody checks.
    hidden_win: tuple[str, ...]
    # Text that looks like markup, or carries emoji (the UI must show it as is).
    markup: tuple[str, ...]
    # "Same as above".
    ditto: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    market: Market
    first_names: tuple[str, ...]
    surnames: tuple[str, ...]
    cities: tuple[City, ...]
    trades: tuple[Trade, ...]
    patterns: tuple[CompanyPattern, ...]
    # Generic e-mail providers; a company may also have its own domain.
    mail_providers: tuple[str, ...]
    own_domain_boxes: tuple[str, ...]
    top_level_domain: str
    client_titles: tuple[Title, ...]
    packs: tuple[PackOffer, ...]
    contact_reviews: tuple[str, ...]
    lukewarm_reviews: tuple[str, ...]
    former_client_reviews: tuple[str, ...]
    average_former_reviews: tuple[str, ...]
    explanations: Explanations
    # The sample team of the market (the seed records them as agents): who
    # verified the explanations, who decides the claims.
    agents: tuple[str, ...]
    untruthful_notes: tuple[str, ...]
    truthful_notes: tuple[str, ...]
    # Written by the agent who suspends a profile; {refs}: the untruthful contacts.
    suspension_reason: str
    # The national number after the trunk 0 (FR) or as dialled (PT) starts with one
    # of these for a mobile; repeated ones are drawn more often.
    mobile_prefixes: tuple[str, ...]


def _words(text: str) -> tuple[str, ...]:
    """'Jean, Pierre, Le Gall' -> ('Jean', 'Pierre', 'Le Gall')."""
    return tuple(w.strip() for w in text.split(","))


INCIDENT_KINDS: Final = (
    "card_declined",
    "card_declined",
    "direct_debit_returned",
    "insufficient_funds",
    "chargeback",
)

# --- France -------------------------------------------------------------------

# Name, region, landline prefix, "à …" (where, where to), "de …".
_FR_CITIES = _fr_cities(
    ("Paris", "idf", "01", "à Paris", "de Paris"),
    ("Boulogne-Billancourt", "idf", "01", "à Boulogne-Billancourt", "de Boulogne-Billancourt"),
    ("Montreuil", "idf", "01", "à Montreuil", "de Montreuil"),
    ("Saint-Denis", "idf", "01", "à Saint-Denis", "de Saint-Denis"),
    ("Versailles", "idf", "01", "à Versailles", "de Versailles"),
    ("Créteil", "idf", "01", "à Créteil", "de Créteil"),
    ("Argenteuil", "idf", "01", "à Argenteuil", "d'Argenteuil"),
    ("Nanterre", "idf", "01", "à Nanterre", "de Nanterre"),
    ("Lyon", "ara", "04", "à Lyon", "de Lyon"),
    ("Villeurbanne", "ara", "04", "à Villeurbanne", "de Villeurbanne"),
    ("Grenoble", "ara", "04", "à Grenoble", "de Grenoble"),
    ("Saint-Étienne", "ara", "04", "à Saint-Étienne", "de Saint-Étienne"),
    ("Annecy", "ara", "04", "à Annecy", "d'Annecy"),
    ("Clermont-Ferrand", "ara", "04", "à Clermont-Ferrand", "de Clermont-Ferrand"),
    ("Marseille", "paca", "04", "à Marseille", "de Marseille"),
    ("Aix-en-Provence", "paca", "04", "à Aix-en-Provence", "d'Aix-en-Provence"),
    ("Nice", "paca", "04", "à Nice", "de Nice"),
    ("Toulon", "paca", "04", "à Toulon", "de Toulon"),
    ("Avignon", "paca", "04", "à Avignon", "d'Avignon"),
    ("Montpellier", "occ", "04", "à Montpellier", "de Montpellier"),
    ("Nîmes", "occ", "04", "à Nîmes", "de Nîmes"),
    ("Perpignan", "occ", "04", "à Perpignan", "de Perpignan"),
    ("Toulouse", "occ", "05", "à Toulouse", "de Toulouse"),
    ("Bordeaux", "naq", "05", "à Bordeaux", "de Bordeaux"),
    ("Mérignac", "naq", "05", "à Mérignac", "de Mérignac"),
    ("Pau", "naq", "05", "à Pau", "de Pau"),
    ("Bayonne", "naq", "05", "à Bayonne", "de Bayonne"),
    ("La Rochelle", "naq", "05", "à La Rochelle", "de La Rochelle"),
    ("Limoges", "naq", "05", "à Limoges", "de Limoges"),
    ("Poitiers", "naq", "05", "à Poitiers", "de Poitiers"),
    ("Nantes", "ouest", "02", "à Nantes", "de Nantes"),
    ("Rennes", "ouest", "02", "à Rennes", "de Rennes"),
    ("Brest", "ouest", "02", "à Brest", "de Brest"),
    ("Angers", "ouest", "02", "à Angers", "d'Angers"),
    ("Le Mans", "ouest", "02", "au Mans", "du Mans"),
    ("Tours", "ouest", "02", "à Tours", "de Tours"),
    ("Caen", "ouest", "02", "à Caen", "de Caen"),
    ("Rouen", "ouest", "02", "à Rouen", "de Rouen"),
    ("Le Havre", "ouest", "02", "au Havre", "du Havre"),
    ("Orléans", "ouest", "02", "à Orléans", "d'Orléans"),
    ("Lille", "est", "03", "à Lille", "de Lille"),
    ("Roubaix", "est", "03", "à Roubaix", "de Roubaix"),
    ("Amiens", "est", "03", "à Amiens", "d'Amiens"),
    ("Reims", "est", "03", "à Reims", "de Reims"),
    ("Metz", "est", "03", "à Metz", "de Metz"),
    ("Nancy", "est", "03", "à Nancy", "de Nancy"),
    ("Strasbourg", "est", "03", "à Strasbourg", "de Strasbourg"),
    ("Mulhouse", "est", "03", "à Mulhouse", "de Mulhouse"),
    ("Dijon", "est", "03", "à Dijon", "de Dijon"),
    ("Besançon", "est", "03", "à Besançon", "de Besançon"),
)

_FR_TRADES = (
    Trade(
        "Plomberie",
        "Plombier",
        (
            "Remplacement d'un chauffe-eau",
            "Réparation d'une fuite sous évier",
            "Installation d'un WC suspendu",
            "Remplacement de la robinetterie",
            "Création d'une salle d'eau",
        ),
        (8, 18),
    ),
    Trade(
        "Électricité",
        "Électricien",
        (
            "Mise aux normes du tableau électrique",
            "Installation de prises et d'éclairage",
            "Rénovation électrique d'un appartement",
            "Pose de spots LED dans le séjour",
            "Installation d'une borne de recharge",
        ),
        (8, 20),
    ),
    Trade(
        "Peinture",
        "Peintre",
        (
            "Peinture d'un appartement T3",
            "Peinture d'un appartement T2",
            "Peinture des volets et boiseries",
            "Ravalement de façade",
            "Pose de papier peint dans deux chambres",
        ),
        (6, 16),
    ),
    Trade(
        "Carrelage",
        "Carreleur",
        (
            "Pose de carrelage dans la cuisine",
            "Pose de faïence dans la salle de bain",
            "Carrelage d'une terrasse",
            "Remplacement du carrelage du séjour",
        ),
        (7, 16),
    ),
    Trade(
        "Couverture",
        "Couvreur",
        (
            "Réparation de toiture après tempête",
            "Démoussage et traitement de toiture",
            "Remplacement de tuiles cassées",
            "Pose de gouttières en zinc",
        ),
        (10, 24),
    ),
    Trade(
        "Menuiserie",
        "Menuisier",
        (
            "Pose de fenêtres PVC double vitrage",
            "Fabrication d'un placard sur mesure",
            "Remplacement d'une porte d'entrée",
            "Pose d'un parquet massif",
        ),
        (9, 22),
    ),
    Trade(
        "Maçonnerie",
        "Maçon",
        (
            "Construction d'un mur de clôture",
            "Ouverture d'un mur porteur",
            "Création d'une dalle béton",
            "Extension de maison de 20 m²",
        ),
        (12, 30),
    ),
    Trade(
        "Rénovation",
        "Rénovation",
        (
            "Rénovation de salle de bain",
            "Rénovation complète d'un appartement",
            "Remplacement d'une baignoire par une douche à l'italienne",
            "Installation d'une cuisine équipée",
            "Rénovation d'une maison ancienne",
        ),
        (14, 30),
    ),
    Trade(
        "Chauffage",
        "Chauffagiste",
        (
            "Installation d'une pompe à chaleur",
            "Entretien de chaudière gaz",
            "Remplacement de radiateurs",
            "Pose d'un poêle à granulés",
        ),
        (10, 25),
    ),
    Trade(
        "Plâtrerie",
        "Plaquiste",
        (
            "Pose de cloisons en placo",
            "Isolation des combles perdus",
            "Création d'un faux plafond",
        ),
        (8, 18),
    ),
    Trade(
        "Paysage",
        "Paysagiste",
        (
            "Aménagement du jardin",
            "Élagage de trois arbres",
            "Pose d'une clôture et d'un portail",
            "Création d'une terrasse en bois",
        ),
        (6, 15),
    ),
)

_FR = Vocabulary(
    market=Market.FR,
    first_names=_words(
        "Jean, Pierre, Michel, Philippe, Alain, Nicolas, Christophe, Laurent, Stéphane, "
        "Sébastien, Julien, David, Thomas, Antoine, Maxime, Kévin, Romain, Mathieu, "
        "Yannick, Karim, Mehdi, Lucas, Hugo, Théo, Rachid, Marie, Nathalie, Isabelle, "
        "Sylvie, Catherine, Sophie, Céline, Sandrine, Valérie, Aurélie, Émilie, Julie, "
        "Camille, Laura, Léa, Chloé, Manon, Inès, Sarah, Claire, Hélène, Anne, Martine, "
        "Françoise, Fatima, Amélie"
    ),
    surnames=_words(
        "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, "
        "Simon, Laurent, Lefebvre, Michel, Garcia, David, Bertrand, Roux, Vincent, "
        "Fournier, Morel, Girard, André, Lefèvre, Mercier, Dupont, Lambert, Bonnet, "
        "François, Martinez, Legrand, Garnier, Faure, Rousseau, Blanc, Guérin, Muller, "
        "Henry, Roussel, Nicolas, Perrin, Morin, Mathieu, Clément, Gauthier, Dumont, "
        "Lopez, Fontaine, Chevalier, Robin, Masson, Sanchez, Gérard, Nguyen, Boyer, "
        "Denis, Lemaire, Duval, Joly, Gautier, Roger, Roche, Roy, Noël, Meyer, Lucas, "
        "Meunier, Perez, Marchand, Dufour, Blanchard, Barbier, Brun, Dumas, Brunet, "
        "Schmitt, Leroux, Colin, Fernandez, Renard, Arnaud, Caron, Aubert, Giraud, "
        "Leclerc, Vidal, Bourgeois, Renaud, Lemoine, Picard, Gaillard, Lacroix, Fabre, "
        "Dupuis, Olivier, Da Silva, Hubert, Guillot, Rivière, Le Gall, Benali, Haddad, "
        "Le Goff, Prévost, Poirier, Charpentier, Huet, Baron, Dupuy, Carré, Breton, "
        "Rémy, Schneider"
    ),
    cities=_FR_CITIES,
    trades=_FR_TRADES,
    patterns=(
        CompanyPattern("{trade} {surname}", False),
        CompanyPattern("{surname} {trade}", False),
        CompanyPattern("{surname} & Fils {trade} SARL", True),
        CompanyPattern("SARL {surname} {trade}", True),
        CompanyPattern("{trade} {surname} SAS", True),
        CompanyPattern("Rénovation {surname}", False),
        CompanyPattern("{first} {surname} {trade}", False),
        CompanyPattern("Ets {surname}", True),
        CompanyPattern("{surname} Frères", True),
        CompanyPattern("Atelier {surname}", False),
        CompanyPattern("{city} Rénovation", True),
        CompanyPattern("Les Artisans {of_city}", True),
        CompanyPattern("{surname} Multiservices", False),
        CompanyPattern("EURL {surname} {trade}", True),
        CompanyPattern("{surname} Bâtiment", True),
        CompanyPattern("{surname} & {surname2}", True),
    ),
    mail_providers=_words(
        "gmail.com, gmail.com, orange.fr, wanadoo.fr, free.fr, sfr.fr, laposte.net, "
        "outlook.fr, hotmail.fr, yahoo.fr"
    ),
    own_domain_boxes=("contact", "devis", "info", "accueil"),
    top_level_domain="fr",
    client_titles=(Title("M.", "M."), Title("Mme", "Mme")),
    packs=(
        PackOffer("Découverte 3 mois", 3, 149.0),
        PackOffer("Pro 6 mois", 6, 279.0),
        PackOffer("Pro 12 mois", 12, 499.0),
        PackOffer("Premium 12 mois", 12, 790.0),
    ),
    contact_reviews=(
        "Très réactif, il m'a rappelé dans l'heure qui a suivi ma demande.",
        "Professionnel à l'écoute et de bon conseil, devis clair et détaillé.",
        "Visite rapide et explications précises. Je n'ai pas donné suite pour des raisons "
        "de budget, mais je le recommande.",
        "Courtois et ponctuel, devis reçu en 48 h.",
        "Excellent contact, très pédagogue sur les solutions possibles.",
        "Appel le jour même puis e-mail récapitulatif, c'est rare et appréciable.",
        "Sérieux et disponible, il a pris le temps de répondre à toutes mes questions.",
        "Top !!! 👍",
    ),
    lukewarm_reviews=(
        "Devis reçu une semaine plus tard.",
        "Difficile à joindre après le premier appel.",
        "Correct, mais un peu cher à mon goût.",
    ),
    former_client_reviews=(
        "Travail soigné et chantier laissé propre, je recommande vivement.",
        "Nous avons fait refaire notre salle de bain : résultat impeccable et délais tenus.",
        "Artisan sérieux, travail conforme au devis.",
        "Très satisfaite de la peinture du salon, finitions parfaites.",
        "Intervention rapide après un dégât des eaux, merci encore !",
        "Bon rapport qualité-prix, équipe sympathique.",
    ),
    average_former_reviews=(
        "Bon travail dans l'ensemble, mais quelques jours de retard.",
        "Résultat correct, communication à améliorer.",
    ),
    explanations=Explanations(
        approaches=(
            "Appelé dans l'heure qui a suivi l'achat, puis récapitulatif envoyé par e-mail.",
            "J'ai appelé le client le jour même et confirmé par mail ce qu'on s'était dit.",
            "Premier contact par téléphone, puis e-mail avec mes disponibilités pour une visite.",
            "Appelé dès réception du contact ; SMS et e-mail envoyés dans la foulée.",
            "Contacté par téléphone le jour de l'achat, e-mail de suivi le lendemain.",
            "Message vocal laissé, rappel le soir même, puis e-mail.",
            "Échange téléphonique d'une vingtaine de minutes, puis devis détaillé par e-mail.",
            "Visite sur place {at_city} après un premier appel.",
        ),
        outcomes=(
            "{client} a finalement choisi un autre artisan, moins cher.",
            "Le client avait déjà signé avec une entreprise avant mon appel.",
            "Le client a confié les travaux à un artisan de son entourage.",
            "Le client a retenu une autre entreprise qui pouvait commencer plus tôt.",
            "Projet reporté à l'année prochaine.",
            "Le client attend l'accord de la copropriété, projet en suspens.",
            "Travaux repoussés pour raisons personnelles, il doit me recontacter.",
            "{client} attend le déblocage de son prêt travaux.",
            "Budget du client trop juste par rapport au devis.",
            "Le client a trouvé le devis trop élevé et n'a pas donné suite.",
            "Le client voulait seulement une estimation pour son assurance.",
            "Écart important entre le budget annoncé et le coût réel des travaux.",
            "Devis envoyé sous 48 h, aucune réponse malgré deux relances.",
            "Visite effectuée et devis envoyé, pas de retour depuis.",
            "Devis transmis par e-mail, le client ne répond plus.",
            "Après le premier échange, plus aucune nouvelle malgré mes relances.",
            "Le client a décidé de faire les travaux lui-même.",
            "La demande ne correspondait pas à mon activité, je l'ai orienté vers un confrère.",
            "Le logement a été vendu, projet annulé.",
        ),
        terse=(
            "pas de suite",
            "client a choisi qqn d'autre",
            "projet reporté, relancé 2 fois",
            "devis envoyé, pas de réponse",
            "budget trop juste",
        ),
        follow_ups=(
            "Relancé deux fois par téléphone.",
            "Relance par e-mail une semaine plus tard, sans réponse.",
            "Je reste disponible s'il revient vers moi.",
            "Dernière relance il y a trois semaines.",
            "Il m'a dit qu'il me rappellerait.",
        ),
        never_reached=(
            "Je n'ai jamais réussi à joindre ce client.",
            "Client jamais joignable, ni par téléphone ni par e-mail.",
            "Aucun contact possible avec le client, toujours sur répondeur.",
        ),
        hidden_win=(
            "Le client a finalement choisi un autre artisan.",
            "Pas de suite de la part du client.",
        ),
        markup=(
            "Client [b]injoignable[/b] après le premier appel.",
            "Devis envoyé, voir [link=https://exemple.fr/devis/4821]le devis[/link].",
            "Relancé 3 fois 😕",
            "Merci de votre compréhension 🙏",
            "<b>Projet annulé</b> par le client.",
            "[red]Aucune suite[/red] malgré mes relances [/]",
            "Devis à 4 500 € [urgent] refusé.",
        ),
        ditto=("Idem.", "idem", "Même chose que ci-dessus."),
    ),
    agents=("Camille Laurent", "Julien Morel"),
    untruthful_notes=(
        "Le client confirme avoir été rappelé le jour même et avoir reçu un devis.",
        "Appel au client : il a bien été contacté et attend toujours le devis.",
        "Le client dit avoir eu une visite sur place la semaine suivante.",
    ),
    truthful_notes=(
        "Confirmé par le client au téléphone.",
        "Échanges visibles dans la messagerie de la plate-forme.",
    ),
    suspension_reason=(
        "Explications non véridiques pour {refs} : le client confirme avoir été contacté."
    ),
    # 06, and 07 from 073 to 079 (070 to 072 are not mobile ranges); 06 still
    # holds about half of the numbers.
    mobile_prefixes=("6",) * 7 + ("73", "74", "75", "76", "77", "78", "79"),
)

# --- Portugal -----------------------------------------------------------------

# Name, region, landline prefix, "em …", "de …", "a …".
_PT_CITIES = _pt_cities(
    ("Lisboa", "lisboa", "21", "em Lisboa", "de Lisboa", "a Lisboa"),
    ("Amadora", "lisboa", "21", "na Amadora", "da Amadora", "à Amadora"),
    ("Odivelas", "lisboa", "21", "em Odivelas", "de Odivelas", "a Odivelas"),
    ("Loures", "lisboa", "21", "em Loures", "de Loures", "a Loures"),
    ("Oeiras", "lisboa", "21", "em Oeiras", "de Oeiras", "a Oeiras"),
    ("Cascais", "lisboa", "21", "em Cascais", "de Cascais", "a Cascais"),
    ("Sintra", "lisboa", "21", "em Sintra", "de Sintra", "a Sintra"),
    ("Almada", "lisboa", "21", "em Almada", "de Almada", "a Almada"),
    ("Seixal", "lisboa", "21", "no Seixal", "do Seixal", "ao Seixal"),
    ("Barreiro", "lisboa", "21", "no Barreiro", "do Barreiro", "ao Barreiro"),
    ("Setúbal", "lisboa", "265", "em Setúbal", "de Setúbal", "a Setúbal"),
    ("Porto", "norte", "22", "no Porto", "do Porto", "ao Porto"),
    (
        "Vila Nova de Gaia",
        "norte",
        "22",
        "em Vila Nova de Gaia",
        "de Vila Nova de Gaia",
        "a Vila Nova de Gaia",
    ),
    ("Matosinhos", "norte", "22", "em Matosinhos", "de Matosinhos", "a Matosinhos"),
    ("Gondomar", "norte", "22", "em Gondomar", "de Gondomar", "a Gondomar"),
    ("Maia", "norte", "22", "na Maia", "da Maia", "à Maia"),
    ("Braga", "norte", "253", "em Braga", "de Braga", "a Braga"),
    ("Guimarães", "norte", "253", "em Guimarães", "de Guimarães", "a Guimarães"),
    (
        "Viana do Castelo",
        "norte",
        "258",
        "em Viana do Castelo",
        "de Viana do Castelo",
        "a Viana do Castelo",
    ),
    ("Coimbra", "centro", "239", "em Coimbra", "de Coimbra", "a Coimbra"),
    ("Aveiro", "centro", "234", "em Aveiro", "de Aveiro", "a Aveiro"),
    ("Leiria", "centro", "244", "em Leiria", "de Leiria", "a Leiria"),
    ("Viseu", "centro", "232", "em Viseu", "de Viseu", "a Viseu"),
    ("Torres Vedras", "centro", "261", "em Torres Vedras", "de Torres Vedras", "a Torres Vedras"),
    ("Faro", "sul", "289", "em Faro", "de Faro", "a Faro"),
    ("Portimão", "sul", "282", "em Portimão", "de Portimão", "a Portimão"),
    ("Loulé", "sul", "289", "em Loulé", "de Loulé", "a Loulé"),
    ("Évora", "sul", "266", "em Évora", "de Évora", "a Évora"),
    ("Funchal", "madeira", "291", "no Funchal", "do Funchal", "ao Funchal"),
)

_PT_TRADES = (
    Trade(
        "Canalizações",
        "Canalizador",
        (
            "Reparação de fuga de água",
            "Substituição de esquentador",
            "Instalação de sanita suspensa",
            "Substituição de torneiras na cozinha",
        ),
        (5, 12),
    ),
    Trade(
        "Eletricidade",
        "Eletricista",
        (
            "Substituição do quadro elétrico",
            "Instalação de tomadas e iluminação",
            "Certificação elétrica de apartamento",
            "Instalação de carregador para carro elétrico",
        ),
        (5, 14),
    ),
    Trade(
        "Pinturas",
        "Pintor",
        (
            "Pintura de apartamento T2",
            "Pintura de apartamento T3",
            "Pintura de fachada de moradia",
            "Pintura de muros e portão",
        ),
        (4, 10),
    ),
    Trade(
        "Remodelações",
        "Remodelações",
        (
            "Remodelação de casa de banho",
            "Remodelação total de apartamento T3",
            "Substituição de banheira por base de duche",
            "Remodelação de cozinha",
            "Remodelação de moradia antiga",
        ),
        (8, 20),
    ),
    Trade(
        "Telhados",
        "Telhados",
        (
            "Reparação de telhado com infiltrações",
            "Limpeza e impermeabilização de telhado",
            "Substituição de telhas partidas",
        ),
        (7, 16),
    ),
    Trade(
        "Pavimentos",
        "Pavimentos",
        (
            "Colocação de pavimento flutuante",
            "Colocação de azulejo na cozinha",
            "Afagamento e envernizamento de soalho",
        ),
        (5, 12),
    ),
    Trade(
        "Caixilharia",
        "Caixilharia",
        (
            "Substituição de janelas em alumínio com corte térmico",
            "Instalação de estores elétricos",
            "Fecho de varanda em alumínio",
        ),
        (6, 15),
    ),
    Trade(
        "Climatização",
        "Técnico de climatização",
        (
            "Instalação de ar condicionado",
            "Instalação de bomba de calor",
            "Manutenção de caldeira a gás",
        ),
        (6, 16),
    ),
    Trade(
        "Construção",
        "Construção",
        (
            "Construção de paredes em pladur",
            "Isolamento térmico de sótão",
            "Construção de muro de vedação",
            "Ampliação de moradia",
        ),
        (8, 20),
    ),
    Trade(
        "Jardins",
        "Jardineiro",
        (
            "Manutenção de jardim",
            "Instalação de relva sintética",
            "Instalação de rega automática",
        ),
        (4, 10),
    ),
)

_PT = Vocabulary(
    market=Market.PT,
    first_names=_words(
        "João, José, António, Francisco, Manuel, Rui, Pedro, Paulo, Luís, Carlos, "
        "Miguel, Tiago, Nuno, Ricardo, Bruno, Diogo, Hugo, Filipe, Jorge, Fernando, "
        "Vítor, Sérgio, Maria, Ana, Joana, Sofia, Inês, Beatriz, Marta, Catarina, Rita, "
        "Sara, Carla, Patrícia, Cláudia, Teresa, Helena, Mariana, Filipa, Margarida, "
        "Sónia, Vânia, Conceição"
    ),
    surnames=_words(
        "Silva, Santos, Ferreira, Pereira, Oliveira, Costa, Rodrigues, Martins, Jesus, "
        "Sousa, Fernandes, Gonçalves, Gomes, Lopes, Marques, Alves, Almeida, Ribeiro, "
        "Pinto, Carvalho, Teixeira, Moreira, Correia, Mendes, Nunes, Soares, Vieira, "
        "Monteiro, Cardoso, Rocha, Raposo, Neves, Coelho, Cruz, Cunha, Pires, Ramos, "
        "Reis, Simões, Antunes, Matos, Fonseca, Machado, Araújo, Barbosa, Tavares, "
        "Lourenço, Castro, Figueiredo, Azevedo, Freitas, Henriques, Baptista, Magalhães, "
        "Campos, Sá, Brito, Vaz, Miranda, Guerreiro, Loureiro, Valente"
    ),
    cities=_PT_CITIES,
    trades=_PT_TRADES,
    patterns=(
        CompanyPattern("Construções {surname}, Lda.", True),
        CompanyPattern("Remodelações {surname} Unipessoal, Lda.", True),
        CompanyPattern("{first} {surname} Unipessoal, Lda.", True),
        CompanyPattern("{surname} & Filhos, Lda.", True),
        CompanyPattern("{surname} & {surname2}, Lda.", True),
        CompanyPattern("{trade} {surname}", False),
        CompanyPattern("{first} {surname} – {person}", False),
        CompanyPattern("{trade} {city}, Lda.", True),
        CompanyPattern("{surname} Obras e Remodelações", True),
        CompanyPattern("{surname} Construção Civil, Lda.", True),
        CompanyPattern("{first} {surname}", False),
        CompanyPattern("{trade} {surname} Unipessoal, Lda.", True),
    ),
    mail_providers=_words(
        "gmail.com, gmail.com, sapo.pt, hotmail.com, outlook.pt, outlook.com, "
        "live.com.pt, iol.pt, netcabo.pt"
    ),
    own_domain_boxes=("geral", "orcamentos", "info", "obras"),
    top_level_domain="pt",
    # Not "D.": it goes with a woman's first name ("D. Maria"), never a surname.
    client_titles=(Title("Sr.", "O Sr."), Title("Sra.", "A Sra.")),
    packs=(
        PackOffer("Início 3 meses", 3, 119.0),
        PackOffer("Profissional 6 meses", 6, 229.0),
        PackOffer("Profissional 12 meses", 12, 399.0),
        PackOffer("Premium 12 meses", 12, 590.0),
    ),
    contact_reviews=(
        "Muito atencioso, ligou-me no próprio dia.",
        "Profissional simpático e esclarecedor, orçamento bem detalhado.",
        "Respondeu rapidamente e deu bons conselhos, apesar de eu não ter avançado com a obra.",
        "Pontual na visita e muito profissional.",
        "Ligou logo a seguir ao pedido e enviou o resumo por e-mail. Recomendo.",
        "Excelente atendimento, explicou todas as opções com paciência.",
        "5 estrelas 👍",
    ),
    lukewarm_reviews=(
        "Demorou a enviar o orçamento.",
        "Difícil de contactar depois da primeira chamada.",
        "Simpático, mas o orçamento era caro.",
    ),
    former_client_reviews=(
        "Trabalho impecável na remodelação da casa de banho. Recomendo!",
        "Cumpriu os prazos e deixou tudo limpo.",
        "Excelente acabamento na pintura da sala.",
        "Resolveu a infiltração no telhado à primeira. Muito obrigado!",
        "Equipa simpática e preço justo.",
        "Profissional de confiança, já é a segunda obra que lhe entrego.",
    ),
    average_former_reviews=(
        "Bom trabalho, mas atrasou uns dias.",
        "Trabalho razoável, a comunicação podia ser melhor.",
    ),
    explanations=Explanations(
        approaches=(
            "Liguei ao cliente na primeira hora após a compra e enviei depois um e-mail "
            "com o resumo.",
            "Contactei por telefone no próprio dia e confirmei por e-mail o que ficou combinado.",
            "Primeiro contacto por telefone, depois e-mail com as minhas disponibilidades "
            "para visita.",
            "Liguei logo que recebi o contacto; enviei SMS e e-mail a seguir.",
            "Deixei mensagem de voz, voltei a ligar ao fim do dia e enviei e-mail.",
            "Conversa telefónica de vinte minutos e orçamento detalhado enviado por e-mail.",
            "Visita ao local {at_city} depois da primeira chamada.",
        ),
        outcomes=(
            "{client} acabou por escolher outro profissional, mais barato.",
            "O cliente já tinha adjudicado a obra antes da minha chamada.",
            "O cliente entregou o trabalho a um conhecido.",
            "Escolheu outra empresa que podia começar mais cedo.",
            "Obra adiada para o próximo ano.",
            "O cliente aguarda aprovação do condomínio.",
            "Trabalho adiado por motivos pessoais; ficou de me contactar.",
            "{client} está à espera do crédito para obras.",
            "Orçamento acima do que o cliente pretendia gastar.",
            "O cliente achou o orçamento caro e não avançou.",
            "O cliente só queria uma estimativa para o seguro.",
            "Grande diferença entre o valor que o cliente tinha em mente e o custo real.",
            "Orçamento enviado em 48 horas, sem resposta apesar de ter insistido duas vezes.",
            "Fiz a visita e enviei orçamento, sem resposta desde então.",
            "Orçamento enviado por e-mail, o cliente deixou de responder.",
            "Depois do primeiro contacto não voltou a responder às minhas mensagens.",
            "O cliente decidiu fazer a obra por conta própria.",
            "O pedido não correspondia à minha atividade; indiquei-lhe um colega.",
            "A casa foi vendida e a obra cancelada.",
        ),
        terse=(
            "sem resposta",
            "escolheu outro",
            "obra adiada, liguei 2 vezes",
            "orçamento enviado, nada",
            "muito caro p/ o cliente",
        ),
        follow_ups=(
            "Voltei a ligar duas vezes.",
            "Enviei novo e-mail uma semana depois, sem resposta.",
            "Fico disponível caso volte a contactar-me.",
            "Última tentativa há três semanas.",
            "Disse que me voltava a ligar.",
        ),
        never_reached=(
            "Nunca consegui falar com este cliente.",
            "Cliente sempre incontactável, nem por telefone nem por e-mail.",
            "Impossível contactar o cliente, telemóvel sempre desligado.",
        ),
        hidden_win=(
            "O cliente acabou por escolher outro profissional.",
            "Sem seguimento por parte do cliente.",
        ),
        markup=(
            "Cliente [b]incontactável[/b] depois da primeira chamada.",
            "Orçamento enviado, ver [link=https://exemplo.pt/orcamento/4821]o orçamento[/link].",
            "Liguei 3 vezes 😕",
            "Obrigado pela compreensão 🙏",
            "<b>Obra cancelada</b> pelo cliente.",
            "[red]Sem seguimento[/red] apesar das insistências [/]",
            "Orçamento de 3.200 € [urgente] recusado.",
        ),
        ditto=("Idem.", "idem", "O mesmo que o anterior."),
    ),
    agents=("Inês Costa", "Tiago Rocha"),
    untruthful_notes=(
        "O cliente confirma que foi contactado no próprio dia e recebeu orçamento.",
        "Segundo o cliente, houve visita ao local e orçamento enviado.",
        "Liguei ao cliente: falou com o profissional duas vezes.",
    ),
    truthful_notes=(
        "Confirmado pelo cliente por telefone.",
        "Mensagens trocadas visíveis na plataforma.",
    ),
    suspension_reason=(
        "Explicações não verdadeiras para {refs}: o cliente confirma que foi contactado."
    ),
    mobile_prefixes=("91", "92", "93", "96"),
)

VOCABULARIES: Final[dict[Market, Vocabulary]] = {Market.FR: _FR, Market.PT: _PT}


# --- composing ----------------------------------------------------------------

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(value: str) -> str:
    """'Martin & Fils Plomberie SARL' -> 'martin-fils-plomberie-sarl'."""
    return _NOT_SLUG.sub("-", fold(value)).strip("-")


def company_name(
    rng: random.Random, v: Vocabulary, first: str, surname: str, trade: Trade, city: City
) -> tuple[str, bool]:
    """A business name in the market's usual forms, and whether it is a company."""
    pattern = rng.choice(v.patterns)
    surname2 = rng.choice(v.surnames)
    if surname2 == surname:
        surname2 = v.surnames[(v.surnames.index(surname) + 1) % len(v.surnames)]
    name = pattern.template.format(
        first=first,
        surname=surname,
        surname2=surname2,
        trade=trade.company_word,
        person=trade.person_word,
        **city.placeholders(),
    )
    return name, pattern.company


def email(rng: random.Random, v: Vocabulary, first: str, surname: str, company: str) -> str:
    roll = rng.random()
    person = f"{slug(first)}.{slug(surname)}".replace("-", "")
    if roll < 0.35:
        box, domain = rng.choice(v.own_domain_boxes), f"{slug(company)}.{v.top_level_domain}"
        address = f"{box}@{domain}"
    elif roll < 0.7:
        address = f"{person}@{rng.choice(v.mail_providers)}"
    elif roll < 0.9:
        address = f"{slug(company)}@{rng.choice(v.mail_providers)}"
    else:
        address = f"{person}{rng.randint(1, 99)}@{rng.choice(v.mail_providers)}"
    # People type addresses with capitals; the search key folds them.
    if rng.random() < 0.08:
        address = address[:1].upper() + address[1:]
    return address


def _digits(rng: random.Random, n: int) -> str:
    return f"{rng.randrange(10**n):0{n}d}"


def _pairs(digits: str) -> str:
    return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def phone(rng: random.Random, v: Vocabulary, city: City, *, mobile_share: float = 0.6) -> str:
    """A phone number written as people of the market write them."""
    if v.market is Market.FR:
        if rng.random() < mobile_share:
            prefix = rng.choice(v.mobile_prefixes)
            national = prefix + _digits(rng, 9 - len(prefix))
        else:
            national = city.area[1] + _digits(rng, 8)
        style = rng.random()
        if style < 0.55:
            return _pairs("0" + national)  # 06 12 34 56 78
        if style < 0.7:
            return "0" + national  # 0612345678
        if style < 0.8:
            return ".".join(_pairs("0" + national).split())  # 06.12.34.56.78
        if style < 0.95:
            return f"+33 {national[0]} {_pairs(national[1:])}"  # +33 6 12 34 56 78
        return f"+33{national}"
    if rng.random() < mobile_share:
        prefix = rng.choice(v.mobile_prefixes)
        national = prefix + _digits(rng, 9 - len(prefix))
    else:
        national = city.area + _digits(rng, 9 - len(city.area))
    grouped = f"{national[:3]} {national[3:6]} {national[6:]}"
    style = rng.random()
    if style < 0.4:
        return f"+351 {grouped}"  # +351 912 345 678
    if style < 0.7:
        return national  # 912345678
    if style < 0.9:
        return grouped  # 912 345 678
    return f"00351 {national}"


def client_name(rng: random.Random, v: Vocabulary) -> Client:
    surname = rng.choice(v.surnames)
    if rng.random() < 0.3:
        title = rng.choice(v.client_titles)
        return Client(f"{title.word} {surname}", f"{title.subject} {surname}")
    name = f"{rng.choice(v.first_names)} {surname}"
    return Client(name, name)


def explanation(rng: random.Random, v: Vocabulary, client: Client, city: City) -> str:
    """One to three sentences: how the client was contacted, what happened, what next."""
    e = v.explanations
    if rng.random() < 0.12:
        return rng.choice(e.terse)
    sentences = []
    if rng.random() < 0.55:
        sentences.append(rng.choice(e.approaches))
    sentences.append(rng.choice(e.outcomes))
    if (len(sentences) < 2 or rng.random() < 0.3) and rng.random() < 0.5:
        sentences.append(rng.choice(e.follow_ups))
    return " ".join(sentences).format(client=client.subject, **city.placeholders())


def near_copy(rng: random.Random, v: Vocabulary, text: str) -> str:
    """What a professional pasting the same sentence again writes."""
    roll = rng.random()
    if roll < 0.3:
        return text
    if roll < 0.5:
        return text.rstrip(".")
    if roll < 0.65:
        return text[:1].lower() + text[1:]
    if roll < 0.8:
        return text.replace(" ", "  ", 1)
    return rng.choice(v.explanations.ditto)

"""A small database for intake: two professionals, one of them with an open claim."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from guarantee_tui.services.case_files import import_case_file
from tests.strategies import FORMAT, write_case_file

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FR_CLIENTS = (
    "Mme Moreau", "Jean Bertrand", "Julie Petit", "M. Martin", "Paul Roux",
    "Céline Da Silva", "Laurent Michel", "M. Faure", "Sophie Leroy", "Karim Benali",
    "Mme Girard", "Hugo Lambert", "Claire Fontaine", "M. Dupuis", "Manon Garnier",
    "Thomas Blanc", "Mme Chevalier", "Nicolas Robin", "Léa Masson", "M. Gauthier",
    "Pierre Vidal",
)  # fmt: skip
PT_CLIENTS = (
    "Sr. Santos", "Ana Costa", "Rui Pereira", "D. Ferreira", "Marta Lopes",
    "João Alves", "Sofia Ribeiro", "Sr. Pinto", "Inês Gomes", "Pedro Nunes",
    "D. Sousa", "Carla Mendes", "Tiago Rocha", "Sr. Vieira", "Rita Cardoso",
    "Bruno Matos", "D. Reis", "Hugo Moreira", "Sara Castro", "Sr. Cunha",
)  # fmt: skip
FR_CITIES = ("Lyon", "Villeurbanne", "Grenoble", "Annecy", "Saint-Étienne")
PT_CITIES = ("Lisboa", "Amadora", "Sintra", "Cascais", "Almada")


def _contacts(prefix: str, clients: tuple[str, ...], cities: tuple[str, ...]) -> list[Any]:
    return [
        {
            "ref": f"{prefix}-{i + 1:03d}",
            "purchased_at": (START + timedelta(days=3 * i, hours=i % 5)).isoformat(),
            "price_credits": 12,
            "channel": "priority_discount",
            "first_contacted_at": (START + timedelta(days=3 * i, hours=2)).isoformat(),
            "client_name": name,
            "city": cities[i % len(cities)],
            "job_title": f"Chantier {i + 1}",
        }
        for i, name in enumerate(clients)
    ]


def case_file() -> dict[str, Any]:
    return {
        "format": FORMAT,
        "professionals": [
            {
                "ref": "FR-T1",
                "market": "FR",
                "company_name": "Plomberie Martin",
                "email": "Jean.Martin@Plomberie-Martin.fr",
                "phone": "06 12 34 56 78",
                "created_at": "2026-01-05T09:00:00+01:00",
                "contact_purchases": _contacts("LF", FR_CLIENTS, FR_CITIES),
            },
            {
                "ref": "PT-T1",
                "market": "PT",
                "company_name": "Remodelações Costa, Lda.",
                "email": "rui@costa.pt",
                "phone": "+351 912 345 678",
                "created_at": "2026-01-05T09:00:00+00:00",
                "contact_purchases": _contacts("LP", PT_CLIENTS, PT_CITIES),
                "claims": [
                    {
                        "ref": "CL-T1",
                        "submitted_at": "2026-06-10T10:00:00+01:00",
                        "explanations": [
                            {"contact_ref": "LP-001", "text": "Sem resposta."},
                            {"contact_ref": "LP-002", "text": "Escolheu outro."},
                        ],
                    }
                ],
            },
        ],
    }


def load(engine: Engine, tmp_path: Path) -> None:
    import_case_file(engine, write_case_file(tmp_path / "intake.json", case_file()))


def numbered_letter(count: int = 20, skip: tuple[int, ...] = ()) -> str:
    items = "\n".join(
        f"{n}. Explication du contact {n}." for n in range(1, count + 1) if n not in skip
    )
    return (
        "Bonjour,\n\nVoici ce qui s'est passé avec chacun de mes contacts :\n\n"
        f"{items}\n\nCordialement,\nJean Martin\nPlomberie Martin"
    )

"""Claim e-mails: reading messages and attributing their explanations to contacts.

- `sources`: `.eml` files, mbox files and Maildir folders, as raw messages;
- `message`: one message's sender, date, text and attachments, bounded;
- `html`: HTML bodies as text;
- `cleaning`: quotations, signatures and inline forwards taken apart;
- `segments`: the text cut into pieces, greetings and closings told apart;
- `cues`: what in a piece points at which contact;
- `matching`: the one-to-one attribution, with a confidence per match;
- `reading`: all of it for one message, and whether it is a claim at all.

Nothing here touches the database: services/intake.py looks the
professional and the contacts up (store/intake.py) and records the outcome.
"""

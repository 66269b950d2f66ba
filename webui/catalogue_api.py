"""English for the texts of the API tokens page, the API docs page and API errors."""
from __future__ import annotations

ENGLISH: dict[str, str] = {
    "Mine API-nøgler": "My API tokens",
    "API-dokumentation": "API documentation",
    "En API-nøgle lader et andet system (fx et sagssystem) bruge opiflow som dig, med "
    "dine grupper og din myndighed. Alt, der gøres med nøglen, logges med dit navn og "
    "nøglens navn.":
        "An API token lets another system (e.g. a case management system) use opiflow as "
        "you, with your groups and authority. Everything done with the token is logged "
        "with your name and the token's name.",
    "Din nye API-nøgle. Kopiér den nu: den vises kun denne ene gang.":
        "Your new API token. Copy it now: it is shown only this once.",
    "Ny API-nøgle": "New API token",
    "Navn": "Name",
    "Udløber (valgfri)": "Expires (optional)",
    "Opret API-nøgle": "Create API token",
    "Dine API-nøgler": "Your API tokens",
    "Oprettet": "Created",
    "Udløber": "Expires",
    "Handling": "Action",
    "Aldrig": "Never",
    "Tilbagekaldt": "Revoked",
    "Udløbet": "Expired",
    "Aktiv": "Active",
    "Tilbagekald": "Revoke",
    "Du har ingen API-nøgler.": "You have no API tokens.",
    "API-nøglen er tilbagekaldt. Den virker ikke længere.":
        "The API token is revoked. It no longer works.",
    "Giv nøglen et navn på 1 til 60 tegn, som ikke bruges af en anden aktiv nøgle, fx "
    "sagssystem.":
        "Give the token a name of 1 to 60 characters that no other active token uses, "
        "e.g. case-system.",
    "Udløbsdatoen skal være en dato efter i dag (ÅÅÅÅ-MM-DD), eller tom.":
        "The expiry must be a date after today (YYYY-MM-DD), or empty.",
    "Eksempel": "Example",
    "Parametre": "Parameters",
    "Hvor": "Where",
    "Beskrivelse": "Description",
    "Indhold": "Body",
    "Skemaer": "Schemas",
    # the inbox and notification settings
    "Indbakke": "Inbox",
    "Ny": "New",
    "Åbn": "Open",
    "Du har ingen beskeder.": "You have no messages.",
    "Hvad vil du have besked om?": "What do you want to be told?",
    "E-mailadressen er ikke gyldig. Skriv den som navn@eksempel.dk, eller lad feltet stå "
    "tomt.": "The e-mail address is not valid. Write it as name@example.dk, or leave it "
             "empty.",
    "Vælg en af mulighederne.": "Choose one of the options.",
    "Beskeder": "Messages",
    "Hvordan": "How",
    "E-mailadresse": "E-mail address",
    "Sprog i beskeder": "Language of messages",
    "Gem": "Save",
    "En opgave kan tages af min gruppe": "A task can be claimed by my group",
    "En opgave har frist i morgen": "A task is due tomorrow",
    "En opgave har overskredet sin frist": "A task is overdue",
    "En frist eller standstill-periode i et partnerskab, jeg startede, er udløbet":
        "A deadline or standstill period of a partnership I started has ended",
    "Et partnerskab, jeg startede, skifter fase": "A partnership I started changes phase",
    "Straks pr. e-mail": "At once by e-mail",
    "En daglig oversigt pr. e-mail": "A daily digest by e-mail",
    "Kun her i indbakken": "Only here in the inbox",
    "Dine valg for beskeder er gemt.": "Your choices for messages are saved.",
}

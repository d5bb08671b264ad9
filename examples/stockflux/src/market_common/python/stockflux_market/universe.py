"""The deterministic seed universe: curated real companies, then plausible generated ones.

``universe(size)`` always returns the same securities for the same size (a seeded
``random.Random``; no hash randomisation involved), and a smaller universe is a prefix of a
larger one. Generated companies follow the naming habits of their markets - "Northwind
Logistics Corp." on NASDAQ, "Société Lyonnaise d'Énergie SA" in Paris, "Müller Maschinenbau
AG" on XETRA, "Øresund Shipping A/S" in Copenhagen - with symbols unique per exchange.
Security ids are UUIDv5 of exchange and symbol, so reseeding is idempotent.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from stockflux_market.curated import CURATED
from stockflux_market.text import symbol_token, words

DEFAULT_SIZE = 5000
SEED = 20190729  # the day the StockFlux serverless article was published
ID_NAMESPACE = uuid.UUID("5f0c2b8e-2d4a-4c47-9a53-6b7f2b1c0e11")


@dataclass(frozen=True)
class SeedSecurity:
    security_id: str
    symbol: str
    exchange: str
    name: str


def security_id(exchange: str, symbol: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, f"{exchange}:{symbol}"))


_EN_ROOTS = (
    "Northwind Bluewater Silverline Redwood Granite Summit Harbor Pinnacle Evergreen Cascade "
    "Keystone Meridian Ironbridge Lakeshore Crescent Oakridge Starling Falcon Horizon Frontier "
    "Sterling Clearwater Bright Copperfield Highland Riverbend Westbrook Eastgate Northstar "
    "Southport Beacon Lighthouse Anchor Compass Vanguard Sentinel Patriot Liberty Heritage "
    "Legacy Pioneer Trailblazer Cornerstone Bedrock Foundation Atlas Titan Apex Zenith Vertex "
    "Quantum Nova Stellar Orion Polaris Aurora Solstice Equinox Tidewater Bayview Seaside "
    "Mountainview Valley Prairie Canyon Mesa Sierra Timberline Pinecrest Maple Birch Cedar "
    "Willow Aspen Sequoia Magnolia Juniper Sagebrush Blackstone Whitehall Greenfield Redrock "
    "Goldcrest Silverton Ironwood Steelhead Kingfisher Osprey Heron Raven Condor Eagle Hawk "
    "Mustang Bison Grizzly Cougar Lynx Wolverine Orca Marlin Dolphin Coral Lagoon Delta "
    "Fairway Crossroads Landmark Milestone Benchmark Paragon Premier Sovereign Regal Royal "
    "Crown Empire Dominion Republic Union Federal National Continental Global Pacific "
    "Atlantic Coastal Inland Midland Central Western Eastern Northern Southern").split()
_EN_TRADES = (
    "Logistics Therapeutics Bancorp Energy Semiconductors Software Mining Foods Motors "
    "Pharmaceuticals Realty Aerospace Biosciences Networks Insurance Retail Apparel Airlines "
    "Shipping Steel Chemicals Materials Robotics Analytics Payments Capital Financial "
    "Healthcare Diagnostics Devices Instruments Systems Technologies Solutions Industries "
    "Manufacturing Construction Homes Hospitality Resorts Entertainment Media Broadcasting "
    "Telecom Wireless Utilities Water Power Renewables Solar Wind Petroleum Gas Pipelines "
    "Minerals Gold Silver Copper Lithium Agriculture Farms Beverages Brewing Tobacco "
    "Cosmetics Pharmacy Clinics Labs Genomics Medical Dental Vision Education Publishing "
    "Gaming Sports Outdoors Marine Rail Trucking Freight Storage Data Cloud Security "
    "Defense Electronics Optics Lighting Packaging Paper Textiles Furniture Appliances "
    "Tools Machinery Engines Aviation Automotive Tires Batteries Fintech Insurtech").split()
_EN_SUFFIXES = ("Inc.", "Inc.", "Corp.", "Corporation", "Group", "Holdings", "Co.",
                "Holdings Inc.", "Group Inc.", "Ltd.")
_UK_SUFFIXES = ("plc", "PLC", "Group plc", "Holdings plc")

_FR_HEADS = ("Société", "Compagnie", "Groupe", "Banque", "Crédit", "Caisse", "Établissements",
             "Manufacture", "Chantiers", "Aéroports", "Laboratoires", "Éditions", "Hôtels",
             "Transports", "Brasseries", "Fonderies", "Assurances", "Télécom", "Énergies",
             "Électricité", "Matériaux", "Vignobles", "Fromageries", "Papeteries")
_FR_TAILS = ("Générale", "Lyonnaise", "Nationale", "de la Méditerranée", "Européenne",
             "Atlantique", "du Rhône", "de Bretagne", "Provençale", "Parisienne", "du Nord",
             "de l'Est", "Alpine", "Normande", "Bordelaise", "Lorraine", "d'Aquitaine",
             "des Côtes", "de Savoie", "Occitane", "Champenoise", "du Léman", "Française",
             "Réunies", "Industrielle", "Financière", "Maritime", "Hydraulique", "Électrique",
             "Numérique")
_FR_SUFFIXES = ("SA", "S.A.", "SE", "SCA")
_DE_HEADS = ("Müller", "Schröder", "Kühne", "Württembergische", "Süddeutsche", "Nürnberger",
             "Bäcker", "Fröhlich", "Günther", "Köhler", "Jäger", "Löwen", "Böhmer", "Krämer",
             "Rheinische", "Hanseatische", "Bayerische", "Sächsische", "Thüringer", "Märkische",
             "Düsseldorfer", "Kölner", "Münchner", "Lübecker", "Bremer", "Westfälische")
_DE_TRADES = ("Maschinenbau", "Versicherung", "Chemie", "Brauerei", "Verkehrsbetriebe",
              "Energie", "Stahlwerke", "Werkzeugbau", "Baustoffe", "Elektrotechnik",
              "Rückversicherung", "Immobilien", "Feinmechanik", "Kraftwerke", "Logistik",
              "Textilwerke", "Papierfabrik", "Glashütte", "Motorenwerke", "Landmaschinen")
_DE_SUFFIXES = ("AG", "AG", "SE", "KGaA")
_NORDIC_HEADS = ("Nordisk", "Skandinaviska", "Øresund", "Fjord", "Göta", "Åland", "Bergens",
                 "Trøndelag", "Malmö", "Västra", "Jämtland", "Sjælland", "Ålborg", "Lofoten",
                 "Norrland", "Gävle", "Tromsø", "Skåne", "Hälsinge", "Øst")
_NORDIC_TRADES = ("Energi", "Shipping", "Fisk", "Bank", "Skog", "Kraft", "Havbruk", "Bygg",
                  "Telekom", "Stål", "Papper", "Vind", "Hälsa", "Data", "Frakt", "Mejeri")
_NORDIC_PLACES = (("CPH", "A/S"), ("STO", "AB"), ("OSL", "ASA"), ("HEL", "Oyj"))
_ES_HEADS = ("Compañía", "Corporación", "Grupo", "Banco", "Energías", "Construcciones",
             "Navegación", "Telecomunicaciones", "Aerolíneas", "Inmobiliaria", "Distribución",
             "Alimentación", "Industrias", "Petróleos", "Autopistas", "Viñedos")
_ES_TAILS = ("Ibérica", "Española", "del Mediterráneo", "Andaluza", "Catalana", "de León",
             "Gallega", "Cantábrica", "de Aragón", "Valenciana", "del Atlántico", "Castellana",
             "de Navarra", "Balear", "Canaria", "Peninsular", "de Córdoba", "Murciana")
_CH_HEADS = ("Zürcher", "Genfer", "Basler", "Berner", "Luzerner", "Schweizerische",
             "Helvetia", "Jungfrau", "Säntis", "Rhône", "Léman", "Engadiner")
_CH_TRADES = ("Kantonalbank", "Uhrenfabrik", "Versicherungen", "Pharma", "Chocolaterie",
              "Präzisionstechnik", "Rückversicherung", "Energie", "Bergbahnen", "Lebensmittel")


def _generated(rng: random.Random) -> tuple[str, str]:
    """One generated (exchange, name)."""
    style = rng.random()
    if style < 0.62:
        exchange = "NASDAQ" if rng.random() < 0.55 else "NYSE"
        return exchange, f"{rng.choice(_EN_ROOTS)} {rng.choice(_EN_TRADES)} " \
                         f"{rng.choice(_EN_SUFFIXES)}"
    if style < 0.72:
        return "LSE", f"{rng.choice(_EN_ROOTS)} {rng.choice(_EN_TRADES)} " \
                      f"{rng.choice(_UK_SUFFIXES)}"
    if style < 0.80:
        return "EPA", f"{rng.choice(_FR_HEADS)} {rng.choice(_FR_TAILS)} " \
                      f"{rng.choice(_FR_SUFFIXES)}"
    if style < 0.88:
        return "XETRA", f"{rng.choice(_DE_HEADS)} {rng.choice(_DE_TRADES)} " \
                        f"{rng.choice(_DE_SUFFIXES)}"
    if style < 0.94:
        exchange, suffix = rng.choice(_NORDIC_PLACES)
        return exchange, f"{rng.choice(_NORDIC_HEADS)} {rng.choice(_NORDIC_TRADES)} {suffix}"
    if style < 0.97:
        return "BME", f"{rng.choice(_ES_HEADS)} {rng.choice(_ES_TAILS)}, S.A."
    return "SIX", f"{rng.choice(_CH_HEADS)} {rng.choice(_CH_TRADES)} AG"


_LEGAL = {"inc", "corp", "corporation", "group", "holdings", "co", "ltd", "plc", "sa", "se",
          "sca", "ag", "kgaa", "as", "ab", "asa", "oyj", "de", "du", "des", "la", "le", "del",
          "dela", "d", "l"}


def _symbol_candidates(name: str, rng: random.Random) -> Iterator[str]:
    """Ticker-like abbreviations of a name, most natural first."""
    significant = [w for w in words(name) if w not in _LEGAL] or words(name)
    first, rest = significant[0], significant[1:]
    initials = "".join(w[0] for w in significant)
    consonants = first[0] + "".join(ch for ch in first[1:] if ch not in "aeiou")
    yield (first[:3] + initials[1:2]).upper()
    yield (first[:2] + initials[1:3]).upper()
    yield consonants[:4].upper()
    if rest:
        yield (first[:2] + rest[0][:2]).upper()
        yield (consonants[:3] + rest[0][0]).upper()
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while True:
        yield (first[:2] + "".join(rng.choice(letters) for _ in range(rng.choice((1, 2))))
               ).upper()


def universe(size: int = DEFAULT_SIZE) -> list[SeedSecurity]:
    """The first ``size`` securities of the seed universe."""
    rng = random.Random(SEED)
    taken: set[tuple[str, str]] = set()
    names: set[str] = set()
    result: list[SeedSecurity] = []
    for symbol, exchange, name in CURATED:
        if len(result) >= size:
            return result
        taken.add((exchange, symbol))
        names.add(name)
        result.append(SeedSecurity(security_id(exchange, symbol), symbol, exchange, name))
    while len(result) < size:
        exchange, name = _generated(rng)
        if name in names:
            continue
        for candidate in _symbol_candidates(name, rng):
            if len(symbol_token(candidate)) >= 2 and (exchange, candidate) not in taken:
                symbol = candidate
                break
        names.add(name)
        taken.add((exchange, symbol))
        result.append(SeedSecurity(security_id(exchange, symbol), symbol, exchange, name))
    return result

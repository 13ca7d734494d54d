"""Rows for the demo lake: a small online shop, generated deterministically and in memory.

Why generate instead of shipping files: the demo must exercise the scanners (nested
types, Hive partitions, nulls, decimals), the lineage parser (the SQL templates compute
the gold tables from the silver ones) and the graph loader (purchases and views that
really connect customers and products). Random-but-coherent data does all three, and a
``random.Random(seed)`` plus fixed dates makes every run byte-for-byte repeatable.

The gold tables are *derived* here with the same rules the SQL in
``templates/transformations`` spells out (lifecycle segment, churn score, co-view
similarity), so what the lineage says and what the files hold agree.

Nothing here touches the disk or the clock; :mod:`catalog.demo.lake` writes the tables.
No value is real personal data: e-mails use the ``example.*`` domains, phone numbers the
ranges regulators reserve for fiction, IP addresses the RFC 5737 / RFC 3849
documentation blocks.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate, combinations
from typing import Sequence

import pyarrow as pa

from catalog.demo import schemas

#: First day of clickstream events (the bronze partitions start here).
BASE_DATE = date(2025, 1, 1)
#: Days of events per unit of scale.
EVENT_DAYS_PER_SCALE = 14
#: Orders are generated from here up to the last event day.
ORDER_HISTORY_START = date(2024, 1, 1)

_SIGNUP_START = date(2022, 1, 1)
_SIGNUP_END = date(2024, 12, 31)
_PRODUCTS_START = date(2021, 1, 1)
_PRODUCTS_END = date(2023, 12, 31)

# Rows per unit of scale.
_BRANDS = 25
_PRODUCTS = 400
_CUSTOMERS = 2000
_ORDERS = 8000
_EVENTS_PER_DAY = 3000

_CENT = Decimal("0.01")
_MICROS_PER_DAY = 86_400_000_000

# Rules shared with templates/transformations/03_customer_analytics.sql.
_CHURN_MIDPOINT_DAYS = 90
_CHURN_SCALE_DAYS = 30.0
_VIP_LTV = Decimal("2500.00")
_LOYAL_ORDERS = 5
_NEW_CUSTOMER_DAYS = 90
_AT_RISK_CHURN = 0.7
_COUNTED_STATUSES = frozenset({"shipped", "delivered"})

# Rules shared with templates/transformations/05_product_similarity.sql.
_MIN_CO_VIEWS = 2
_SIMILAR_PER_PRODUCT = 5

# category -> (price range in whole currency units, product nouns, search terms)
_CATEGORIES: dict[str, tuple[tuple[int, int], tuple[str, ...], tuple[str, ...]]] = {
    "Electronics": ((15, 399), ("Wireless Headphones", "Bluetooth Speaker", "USB-C Charger",
                                "Mechanical Keyboard", "HD Webcam", "Smartwatch", "Power Bank"),
                    ("headphones", "bluetooth speaker", "usb c charger", "keyboard", "smartwatch")),
    "Home & Kitchen": ((9, 249), ("Electric Kettle", "Chef's Knife", "Cast Iron Pan", "Blender",
                                  "Coffee Grinder", "Storage Jars"),
                       ("kettle", "knife", "cast iron", "blender", "coffee grinder")),
    "Apparel": ((12, 179), ("Hoodie", "Rain Jacket", "Running Shorts", "Merino T-Shirt", "Sneakers",
                            "Wool Socks"),
                ("hoodie", "rain jacket", "sneakers", "merino", "socks")),
    "Beauty": ((5, 89), ("Face Serum", "Sunscreen SPF 50", "Hair Dryer", "Shampoo Bar", "Lip Balm"),
               ("serum", "sunscreen", "hair dryer", "shampoo")),
    "Sports & Outdoors": ((9, 349), ("Yoga Mat", "Camping Tent", "Water Bottle", "Trail Backpack",
                                     "Cycling Helmet"),
                          ("yoga mat", "tent", "water bottle", "backpack", "helmet")),
    "Toys & Games": ((7, 119), ("Building Blocks", "Board Game", "1000-Piece Puzzle", "Plush Bear",
                                "RC Car"),
                     ("lego", "board game", "puzzle", "rc car")),
    "Books": ((6, 45), ("Cookbook", "Travel Guide", "Sci-Fi Novel", "Picture Book", "Field Journal"),
              ("cookbook", "travel guide", "novel")),
    "Garden": ((8, 219), ("Pruning Shears", "Raised Bed Kit", "Hose Reel", "Bird Feeder", "Solar Lights"),
               ("pruning shears", "raised bed", "bird feeder", "solar lights")),
}
_CATEGORY_WEIGHTS = (22, 16, 18, 9, 12, 8, 7, 8)
_ADJECTIVES = ("Classic", "Pro", "Compact", "Eco", "Ultra", "Everyday", "Premium", "Lite", "Max", "Urban")

_BRAND_PREFIXES = ("North", "Blue", "Silver", "Oak", "Nova", "Peak", "River", "Stone", "Bright", "Urban",
                   "Summit", "Cedar", "Harbor", "Lumen", "Vale", "Atlas", "Ember", "Fjord", "Golden", "Iron")
_BRAND_SUFFIXES = ("wind", "crest", "line", "works", "field", "craft", "ware", "labs", " & Co.",
                   " Outfitters")
_BRAND_COUNTRIES = ("US", "DE", "GB", "FR", "SE", "JP", "IT", "DK")

_FIRST_NAMES = ("Emma", "Liam", "Olivia", "Noah", "Ava", "Elijah", "Sophia", "Lucas", "Mia", "Mateo",
                "Isabella", "Leon", "Charlotte", "Finn", "Amelia", "Hugo", "Harper", "Louis", "Ella", "Jack",
                "Chloe", "Oscar", "Léa", "Felix", "Hannah", "Arthur", "Grace", "Theo", "Zoe", "Jonas",
                "Maya", "Samuel", "Nora", "Ethan", "Clara", "Gabriel", "Ines", "Jakob", "Lily", "Omar")
_LAST_NAMES = ("Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Wilson", "Taylor", "Clarke",
               "Walker", "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Martin", "Bernard",
               "Dubois", "Moreau", "Laurent", "Roy", "Tremblay", "Gagnon", "Nguyen", "Patel", "Khan",
               "Kowalski", "Rossi", "Murphy", "O'Brien", "Evans", "Hughes", "Wright", "Lee", "Chen",
               "Kim", "Silva", "Novak", "Jensen", "Hansen")
_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")

# country -> (weight, currency, [(city, area code or district, postal prefix)])
_COUNTRIES: dict[str, tuple[int, str, tuple[tuple[str, str, str], ...]]] = {
    "US": (40, "USD", (("Seattle", "206", "981"), ("Austin", "512", "787"), ("Chicago", "312", "606"),
                       ("Denver", "303", "802"), ("Boston", "617", "021"))),
    "GB": (18, "GBP", (("London", "SW1A", ""), ("Manchester", "M1", ""), ("Leeds", "LS1", ""),
                       ("Bristol", "BS1", ""))),
    "DE": (17, "EUR", (("Berlin", "30", "101"), ("Hamburg", "40", "203"), ("München", "89", "803"),
                       ("Köln", "221", "506"))),
    "FR": (12, "EUR", (("Paris", "1", "750"), ("Lyon", "4", "690"), ("Marseille", "4", "130"),
                       ("Toulouse", "5", "310"))),
    "CA": (13, "CAD", (("Toronto", "416", "M5V"), ("Vancouver", "604", "V6B"), ("Montréal", "514", "H2X"))),
}
_STREETS = ("Maple", "Oak", "Pine", "Cedar", "Elm", "Lake", "Hill", "Park", "Station", "Church", "Mill",
            "River")

_CRM_SEGMENTS = (("standard", 78), ("premium", 15), ("business", 7))

_DEVICES = (("mobile", 55), ("desktop", 38), ("tablet", 7))
_USER_AGENTS: dict[str, tuple[str, ...]] = {
    "desktop": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_2) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.2 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    ),
    "mobile": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.2 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36",
        "ShopApp/5.12.0 (iPhone; iOS 18.2; Scale/3.00)",
        "ShopApp/5.12.0 (Android 14; SM-S921B)",
    ),
    "tablet": (
        "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.7 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
    ),
}
_EXTERNAL_REFERRERS = ((None, 35), ("https://www.google.com/", 30), ("https://www.bing.com/", 5),
                       ("https://www.instagram.com/", 10), ("https://l.facebook.com/", 5),
                       ("https://mail.shop.example.com/campaign/winter-sale", 10),
                       ("https://deals.example.net/partner/shop", 5))
_SITE = "https://shop.example.com"
# Share of sessions per hour of the day (UTC): quiet nights, an evening peak.
_HOURLY = (2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 7, 7, 6, 6, 6, 7, 8, 9, 10, 10, 8, 5, 3)
_IPV4_DOC_NETS = ("192.0.2", "198.51.100", "203.0.113")


@dataclass(frozen=True, slots=True)
class DemoData:
    """Every table of the demo lake, plus the dates that frame it."""

    brands: pa.Table
    products: pa.Table
    customers: pa.Table
    orders: pa.Table
    customer_events: pa.Table
    customer_analytics: pa.Table
    product_similarity: pa.Table
    customer_segments: pa.Table
    first_event_day: date
    #: The snapshot date the gold tables are computed "as of" (the last event day).
    last_event_day: date


@dataclass(frozen=True, slots=True)
class _Brand:
    id: str
    name: str
    country: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Product:
    id: str
    name: str
    category: str
    brand_id: str
    price: Decimal
    created_at: int  # microseconds since the epoch, UTC
    popularity: float


@dataclass(frozen=True, slots=True)
class _Customer:
    id: str
    first_name: str
    last_name: str
    email: str
    phone: str | None
    segment: str
    signup: date
    country: str
    city: tuple[str, str, str]
    activity: float
    favourites: tuple[str, ...]
    device: str
    home_ip: str


@dataclass(frozen=True, slots=True)
class _Order:
    customer: _Customer
    order_date: date
    status: str
    items: tuple[tuple[str, int, Decimal], ...]
    total: Decimal
    address: dict[str, str | None] | None


class _Picker:
    """Weighted choice from a fixed population, with the cumulative weights built once."""

    def __init__(self, population: Sequence, weights: Sequence[float]) -> None:
        self.population = list(population)
        self.cum = list(accumulate(weights))

    def pick(self, rng: random.Random):
        return self.population[bisect_left(self.cum, rng.random() * self.cum[-1])]


def build(scale: int = 1, seed: int = 42) -> DemoData:
    """Generate every demo table; the same ``scale`` and ``seed`` always give the same rows.

    ``scale`` multiplies every row count and the number of event days (so events grow
    linearly, not quadratically).
    """
    if scale < 1:
        raise ValueError(f"scale must be at least 1, got {scale}")
    rng = random.Random(seed)
    days = EVENT_DAYS_PER_SCALE * scale
    last_day = BASE_DATE + timedelta(days=days - 1)

    brands = _make_brands(rng, _BRANDS * scale)
    products = _make_products(rng, _PRODUCTS * scale, brands)
    customers = _make_customers(rng, _CUSTOMERS * scale)
    orders = _make_orders(rng, _ORDERS * scale, customers, products, last_day)
    events = _make_events(rng, days, customers, products)
    analytics = _customer_analytics(customers, orders, last_day)
    similarity = _product_similarity(events)
    segments = [(cid, seg, churn) for cid, _, _, seg, churn, _ in analytics if seg != "prospect"]

    return DemoData(
        brands=_brands_table(brands),
        products=_products_table(products),
        customers=_customers_table(customers),
        orders=_orders_table(orders),
        customer_events=_events_table(events),
        customer_analytics=_rows_table(schemas.CUSTOMER_ANALYTICS, analytics),
        product_similarity=_rows_table(schemas.PRODUCT_SIMILARITY, similarity),
        customer_segments=_rows_table(schemas.CUSTOMER_SEGMENTS, segments),
        first_event_day=BASE_DATE,
        last_event_day=last_day,
    )


# --- reference data ---------------------------------------------------------------------------------------


def _make_brands(rng: random.Random, count: int) -> list[_Brand]:
    names = [p + s for p in _BRAND_PREFIXES for s in _BRAND_SUFFIXES]
    rng.shuffle(names)
    categories = list(_CATEGORIES)
    brands = []
    for i in range(count):
        base = names[i % len(names)]
        name = base if i < len(names) else f"{base} {i // len(names) + 1}"
        # Every category gets a brand before any gets a second one.
        own = categories[i % len(categories)]
        extra = rng.choice(categories)
        cats = (own,) if extra == own or rng.random() < 0.5 else (own, extra)
        brands.append(_Brand(f"brd_{i + 1:04d}", name, rng.choice(_BRAND_COUNTRIES), cats))
    return brands


def _make_products(rng: random.Random, count: int, brands: list[_Brand]) -> list[_Product]:
    by_category: dict[str, list[_Brand]] = defaultdict(list)
    for brand in brands:
        for cat in brand.categories:
            by_category[cat].append(brand)
    category_picker = _Picker(list(_CATEGORIES), _CATEGORY_WEIGHTS)
    start = _micros(_PRODUCTS_START)
    span = _micros(_PRODUCTS_END) + _MICROS_PER_DAY - start
    products = []
    for i in range(count):
        category = category_picker.pick(rng)
        (low, high), nouns, _ = _CATEGORIES[category]
        brand = rng.choice(by_category[category])
        price = Decimal(f"{rng.randint(low, high)}.{rng.choice(('99', '99', '49', '00'))}")
        name = f"{brand.name} {rng.choice(_ADJECTIVES)} {rng.choice(nouns)}"
        created = start + rng.randrange(span // 1_000_000) * 1_000_000
        products.append(_Product(f"prd_{i + 1:05d}", name, category, brand.id, price, created,
                                 rng.lognormvariate(0.0, 0.9)))
    return products


def _make_customers(rng: random.Random, count: int) -> list[_Customer]:
    country_picker = _Picker(list(_COUNTRIES), [v[0] for v in _COUNTRIES.values()])
    segment_picker = _Picker([s for s, _ in _CRM_SEGMENTS], [w for _, w in _CRM_SEGMENTS])
    device_picker = _Picker([d for d, _ in _DEVICES], [w for _, w in _DEVICES])
    signup_span = (_SIGNUP_END - _SIGNUP_START).days
    used_emails: set[str] = set()
    customers = []
    for i in range(count):
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        country = country_picker.pick(rng)
        city = rng.choice(_COUNTRIES[country][2])
        # More recent signups than old ones: the shop is growing.
        signup = _SIGNUP_START + timedelta(days=int(rng.triangular(0, signup_span, signup_span)))
        email = _unique_email(rng, first, last, used_emails)
        phone = _phone(rng, country, city) if rng.random() < 0.85 else None
        favourites = tuple(dict.fromkeys(rng.choices(list(_CATEGORIES), _CATEGORY_WEIGHTS, k=2)))
        customers.append(_Customer(
            id=f"cus_{i + 1:06d}", first_name=first, last_name=last, email=email, phone=phone,
            segment=segment_picker.pick(rng), signup=signup, country=country, city=city,
            activity=rng.lognormvariate(0.0, 1.0), favourites=favourites, device=device_picker.pick(rng),
            home_ip=_ip_address(rng),
        ))
    return customers


def _unique_email(rng: random.Random, first: str, last: str, used: set[str]) -> str:
    local = f"{_ascii(first)}.{_ascii(last)}"
    while True:
        candidate = f"{local}{rng.randint(1, 99)}@{rng.choice(_EMAIL_DOMAINS)}"
        if candidate not in used:
            used.add(candidate)
            return candidate


def _ascii(name: str) -> str:
    table = str.maketrans({"é": "e", "ü": "ue", "ö": "oe", "ä": "ae", "'": ""})
    return name.lower().translate(table)


def _phone(rng: random.Random, country: str, city: tuple[str, str, str]) -> str:
    """A number from a range reserved for fiction (NANP 555-01xx, Ofcom 07700 900xxx...)."""
    if country in ("US", "CA"):
        return f"+1 {city[1]}-555-01{rng.randint(0, 99):02d}"
    if country == "GB":
        return f"+44 7700 900{rng.randint(0, 999):03d}"
    if country == "DE":
        return f"+49 30 23125{rng.randint(0, 999):03d}"
    return f"+33 1 99 00 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


def _ip_address(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return f"2001:db8:{rng.randrange(0x10000):x}::{rng.randrange(1, 0x10000):x}"
    return f"{rng.choice(_IPV4_DOC_NETS)}.{rng.randint(1, 254)}"


def _address(rng: random.Random, customer: _Customer) -> dict[str, str | None]:
    city, district, prefix = customer.city
    number, street = rng.randint(1, 240), rng.choice(_STREETS)
    country = customer.country
    if country == "DE":
        line, postal = f"{street}straße {number}", f"{prefix}{rng.randint(0, 99):02d}"
    elif country == "FR":
        line, postal = f"{number} rue du {street}", f"{prefix}{rng.randint(1, 20):02d}"
    elif country == "GB":
        line = f"{number} {street} Road"
        letters = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in the inward code
        postal = f"{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    elif country == "CA":
        line = f"{number} {street} Street"
        postal = f"{prefix} {rng.randint(1, 9)}{rng.choice('ABCEGHJKLMNPRSTVXY')}{rng.randint(1, 9)}"
    else:
        line, postal = f"{number} {street} Street", f"{prefix}{rng.randint(0, 99):02d}"
    # Old app versions did not send the postal code; the field is then null.
    return {"street": line, "city": city, "postal_code": postal if rng.random() < 0.97 else None,
            "country": country}


# --- orders ------------------------------------------------------------------------------------------------


def _make_orders(rng: random.Random, count: int, customers: list[_Customer], products: list[_Product],
                 last_day: date) -> list[_Order]:
    buyer_picker = _Picker(customers, [c.activity for c in customers])
    product_pickers = _category_pickers(products)
    all_categories = list(_CATEGORIES)
    drafts = []
    for seq in range(count):
        customer = buyer_picker.pick(rng)
        first = max(ORDER_HISTORY_START, customer.signup)
        order_date = first + timedelta(days=rng.randint(0, max(0, (last_day - first).days)))
        n_items = rng.choices((1, 2, 3, 4, 5), (45, 28, 15, 8, 4))[0]
        chosen: dict[str, tuple[str, int, Decimal]] = {}
        for _ in range(n_items):
            category = rng.choice(customer.favourites) if rng.random() < 0.7 else rng.choice(all_categories)
            product = product_pickers[category].pick(rng)
            if product.id in chosen:
                continue
            price = product.price
            if rng.random() < 0.12:  # promotion: 10 % off the list price
                price = (price * Decimal("0.90")).quantize(_CENT, rounding=ROUND_HALF_UP)
            chosen[product.id] = (product.id, rng.choices((1, 2, 3), (80, 15, 5))[0], price)
        items = tuple(chosen.values())
        total = sum((price * qty for _, qty, price in items), Decimal("0.00")).quantize(_CENT)
        status = _order_status(rng, (last_day - order_date).days)
        address = _address(rng, customer) if rng.random() < 0.99 else None
        drafts.append((order_date, seq, _Order(customer, order_date, status, items, total, address)))
    drafts.sort(key=lambda d: (d[0], d[1]))
    return [order for _, _, order in drafts]


def _order_status(rng: random.Random, age_days: int) -> str:
    if age_days <= 1:
        return rng.choices(("pending", "processing", "cancelled"), (55, 40, 5))[0]
    if age_days <= 5:
        return rng.choices(("processing", "shipped", "delivered", "cancelled"), (10, 60, 22, 8))[0]
    return rng.choices(("delivered", "returned", "cancelled"), (88, 5, 7))[0]


def _category_pickers(products: list[_Product]) -> dict[str, _Picker]:
    grouped: dict[str, list[_Product]] = defaultdict(list)
    for product in products:
        grouped[product.category].append(product)
    return {cat: _Picker(items, [p.popularity for p in items]) for cat, items in grouped.items()}


# --- clickstream -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Event:
    event_id: str
    customer_id: str | None
    session_id: str
    event_type: str
    product_id: str | None
    timestamp: int  # microseconds since the epoch, UTC
    page: str
    referrer: str | None
    device: str
    user_agent: str
    ip_address: str | None


def _make_events(rng: random.Random, days: int, customers: list[_Customer],
                 products: list[_Product]) -> list[_Event]:
    visitor_picker = _Picker(customers, [c.activity for c in customers])
    product_pickers = _category_pickers(products)
    device_picker = _Picker([d for d, _ in _DEVICES], [w for _, w in _DEVICES])
    referrer_picker = _Picker([r for r, _ in _EXTERNAL_REFERRERS], [w for _, w in _EXTERNAL_REFERRERS])
    hour_picker = _Picker(range(24), _HOURLY)
    ids: set[str] = set()
    events: list[_Event] = []
    for offset in range(days):
        day_start = _micros(BASE_DATE + timedelta(days=offset))
        day_events: list[_Event] = []
        while len(day_events) < _EVENTS_PER_DAY:
            customer = visitor_picker.pick(rng) if rng.random() < 0.8 else None
            start = day_start + hour_picker.pick(rng) * 3_600_000_000 + rng.randrange(3_600_000_000)
            day_events.extend(_session(rng, customer, start, day_start + _MICROS_PER_DAY, ids,
                                       product_pickers, device_picker, referrer_picker))
        day_events.sort(key=lambda e: (e.timestamp, e.event_id))
        events.extend(day_events)
    return events


def _session(rng: random.Random, customer: _Customer | None, start: int, day_end: int, ids: set[str],
             product_pickers: dict[str, _Picker], device_picker: _Picker,
             referrer_picker: _Picker) -> list[_Event]:
    """One visit: searches and product views in one category, maybe a cart and a purchase."""
    session_id = _unique_id(rng, "sess_", 40, ids)
    if customer is not None and rng.random() < 0.7:
        device = customer.device
    else:
        device = device_picker.pick(rng)
    user_agent = rng.choice(_USER_AGENTS[device])
    if customer is not None and rng.random() < 0.6:
        ip: str | None = customer.home_ip
    else:
        ip = _ip_address(rng) if rng.random() < 0.98 else None  # some privacy proxies strip it
    if customer is not None and rng.random() < 0.7:
        category = rng.choice(customer.favourites)
    else:
        category = rng.choice(list(_CATEGORIES))
    search_terms = _CATEGORIES[category][2]
    referrer: str | None = referrer_picker.pick(rng)
    customer_id = customer.id if customer else None

    out: list[_Event] = []
    now = start
    last_viewed: str | None = None
    cart: list[str] = []
    steps = rng.randint(1, 10)
    for step in range(steps):
        roll = rng.random()
        if (step == 0 and roll < 0.35) or (step > 0 and roll < 0.1):
            kind, product_id = "search", None
            page = "/search?q=" + rng.choice(search_terms).replace(" ", "+")
        elif last_viewed is not None and roll > 0.8:
            kind, product_id, page = "add_to_cart", last_viewed, "/cart"
            cart.append(last_viewed)
        else:
            kind = "view"
            product_id = product_pickers[category].pick(rng).id
            page = f"/products/{product_id}"
            last_viewed = product_id
        out.append(_Event(_unique_id(rng, "evt_", 48, ids), customer_id, session_id, kind, product_id,
                          now, page, referrer, device, user_agent, ip))
        referrer = _SITE + page
        now += rng.randint(4, 180) * 1_000_000 + rng.randrange(1_000_000)
        if now >= day_end:
            return out
    if cart and customer is not None and rng.random() < 0.1:
        out.append(_Event(_unique_id(rng, "evt_", 48, ids), customer_id, session_id, "purchase", None, now,
                          "/checkout/confirmation", referrer, device, user_agent, ip))
    return out


def _unique_id(rng: random.Random, prefix: str, bits: int, used: set[str]) -> str:
    while True:
        candidate = f"{prefix}{rng.getrandbits(bits):0{bits // 4}x}"
        if candidate not in used:
            used.add(candidate)
            return candidate


# --- gold --------------------------------------------------------------------------------------------------


def _churn_score(days_inactive: int) -> float:
    """Logistic in days since the last order: 0.5 at 90 days, about 0.95 at 180."""
    value = 1.0 / (1.0 + math.exp(-(days_inactive - _CHURN_MIDPOINT_DAYS) / _CHURN_SCALE_DAYS))
    return round(value, 4)


def _customer_analytics(customers: list[_Customer], orders: list[_Order], as_of: date) -> list[tuple]:
    """One row per customer, by the rules of ``03_customer_analytics.sql``."""
    count: Counter[str] = Counter()
    ltv: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    last_order: dict[str, date] = {}
    for order in orders:
        if order.status not in _COUNTED_STATUSES:
            continue
        cid = order.customer.id
        count[cid] += 1
        ltv[cid] += order.total
        if cid not in last_order or order.order_date > last_order[cid]:
            last_order[cid] = order.order_date
    rows = []
    for customer in customers:
        cid = customer.id
        value = ltv[cid] if cid in ltv else Decimal("0.00")
        last = last_order.get(cid)
        churn = _churn_score((as_of - (last or customer.signup)).days)
        if count[cid] == 0:
            segment = "prospect"
        elif churn >= _AT_RISK_CHURN:
            segment = "at_risk"
        elif value >= _VIP_LTV:
            segment = "vip"
        elif count[cid] >= _LOYAL_ORDERS:
            segment = "loyal"
        elif (as_of - customer.signup).days <= _NEW_CUSTOMER_DAYS:
            segment = "new"
        else:
            segment = "regular"
        rows.append((cid, value, count[cid], segment, churn, last))
    return rows


def _product_similarity(events: list[_Event]) -> list[tuple]:
    """Cosine similarity of co-viewing sessions, top 5 per product (``05_product_similarity.sql``)."""
    sessions: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.event_type == "view" and event.product_id is not None:
            sessions[event.session_id].add(event.product_id)
    viewers: Counter[str] = Counter()
    co_views: Counter[tuple[str, str]] = Counter()
    for viewed in sessions.values():
        viewers.update(viewed)
        for a, b in combinations(sorted(viewed), 2):
            co_views[(a, b)] += 1
    candidates: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for (a, b), together in co_views.items():
        if together < _MIN_CO_VIEWS:
            continue
        score = round(together / math.sqrt(viewers[a] * viewers[b]), 4)
        candidates[a].append((score, b))
        candidates[b].append((score, a))
    rows = []
    for product_id in sorted(candidates):
        ranked = sorted(candidates[product_id], key=lambda c: (-c[0], c[1]))[:_SIMILAR_PER_PRODUCT]
        rows.extend((product_id, other, score) for score, other in ranked)
    return rows


# --- Arrow tables ------------------------------------------------------------------------------------------


def _micros(day: date) -> int:
    return (day - date(1970, 1, 1)).days * _MICROS_PER_DAY


def _rows_table(schema: pa.Schema, rows: list[tuple]) -> pa.Table:
    columns = list(zip(*rows)) if rows else [[] for _ in schema]
    arrays = [pa.array(col, type=f.type) for col, f in zip(columns, schema)]
    return pa.Table.from_arrays(arrays, schema=schema)


def _brands_table(brands: list[_Brand]) -> pa.Table:
    return _rows_table(schemas.BRANDS, [(b.id, b.name, b.country) for b in brands])


def _products_table(products: list[_Product]) -> pa.Table:
    return _rows_table(schemas.PRODUCTS, [(p.id, p.name, p.category, p.brand_id, p.price, p.created_at)
                                          for p in products])


def _customers_table(customers: list[_Customer]) -> pa.Table:
    return _rows_table(schemas.CUSTOMERS, [
        (c.id, c.email, c.phone, c.first_name, c.last_name, c.segment, c.signup, c.country) for c in customers
    ])


def _orders_table(orders: list[_Order]) -> pa.Table:
    rows = []
    for number, order in enumerate(orders, start=1):
        items = [{"product_id": pid, "quantity": qty, "price": price} for pid, qty, price in order.items]
        currency = _COUNTRIES[order.customer.country][1]
        rows.append((f"ord_{number:08d}", order.customer.id, order.order_date, order.status, items,
                     order.total, currency, order.address))
    return _rows_table(schemas.ORDERS, rows)


def _events_table(events: list[_Event]) -> pa.Table:
    rows = [
        (e.event_id, e.customer_id, e.session_id, e.event_type, e.product_id, e.timestamp,
         {"page": e.page, "referrer": e.referrer, "device": e.device, "user_agent": e.user_agent},
         e.ip_address)
        for e in events
    ]
    return _rows_table(schemas.CUSTOMER_EVENTS, rows)

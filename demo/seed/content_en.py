"""The demo of an English-speaking shop (any ``LANGUAGE_CODE`` but Portuguese)."""

from random import Random

from .content import Content

AREAS = ["201", "212", "415", "617"]
STREETS = ["Main Street", "Oak Avenue", "Maple Drive", "Elm Street", "Park Road", "High Street"]
TOWNS = ["Boston, MA", "Cambridge, MA", "Newark, NJ", "San Francisco, CA", "New York, NY"]


def _address(rng: Random) -> str:
    return f"{rng.randint(10, 2000)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}"


def _phone(rng: Random) -> str:
    return f"+1{rng.choice(AREAS)}555{rng.randint(100, 9999):04d}"


def _phone_typed(number: str) -> str:
    national = number.removeprefix("+1")
    return f"+1 ({national[:3]}) {national[3:6]}-{national[6:]}"


CONTENT = Content(
    employees=[
        ("admin", "Alice Adams", "admin@oficina.example", "full_access"),
        ("manager", "Mark Manning", "manager@oficina.example", "manager"),
        ("tech", "Tom Tucker", "tech@oficina.example", "specialist"),
    ],
    first_names=[
        "James",
        "Emily",
        "Oliver",
        "Sophie",
        "William",
        "Charlotte",
        "Henry",
        "Grace",
        "Thomas",
        "Hannah",
        "Daniel",
        "Olivia",
        "Michael",
        "Jessica",
        "David",
        "Sarah",
        "Robert",
        "Laura",
        "Andrew",
        "Megan",
    ],
    last_names=[
        "Smith",
        "Johnson",
        "Brown",
        "Taylor",
        "Wilson",
        "Davies",
        "Evans",
        "Clarke",
        "Hughes",
        "Miller",
        "Moore",
        "Anderson",
        "Thompson",
        "Walker",
        "Wright",
        "Robinson",
    ],
    double_surname=0.0,
    organizations=[
        ("Northwind Traders", "12-3456789"),
        ("Bright Office Supplies", "23-4567890"),
        ("Harbor Dental Clinic", "34-5678901"),
        ("Maple Leaf Diner", "45-6789012"),
        ("Riverside Elementary School", "56-7890123"),
        ("Summit Accounting LLC", "67-8901234"),
        ("Corner Pharmacy", "78-9012345"),
        ("Golden Crust Bakery", "89-0123456"),
    ],
    tags=["VIP", "Corporate", "Regular", "Warranty", "Wholesale", "Referral"],
    organization_tag="Corporate",
    sources=["Google", "Instagram", "Facebook", "Customer referral", "Walk-in"],
    address=_address,
    phone=_phone,
    phone_typed=_phone_typed,
    mobile_label="Mobile",
    work_label="Work",
    contact_field=("Preferred contact", ["Phone", "WhatsApp", "Email"]),
    plate_label="Vehicle plate",
    services=[
        ("Diagnostics", "80.00", 0),
        ("Smartphone screen replacement", "250.00", 90),
        ("Battery replacement", "150.00", 90),
        ("Internal cleaning and thermal paste", "120.00", 30),
        ("Motherboard repair", "400.00", 90),
        ("System reinstall", "100.00", 30),
        ("Charging port replacement", "140.00", 90),
        ("Speaker replacement", "130.00", 90),
    ],
    products=[
        ("TEL-IP13", "iPhone 13 screen (compatible)", "420.00", "260.00"),
        ("TEL-A54", "Samsung Galaxy A54 screen", "380.00", "230.00"),
        ("BAT-IP11", "iPhone 11 battery", "180.00", "95.00"),
        ("CAB-USBC", "USB-C cable 1 m", "35.00", "12.00"),
        ("PAS-TERM", "Thermal paste 4 g", "25.00", "9.00"),
        ("SSD-480", "SSD 480 GB SATA", "260.00", "190.00"),
    ],
    faults=[
        (
            "Cracked screen",
            [
                [("service", "Smartphone screen replacement"), ("product", "TEL-IP13")],
                [("service", "Smartphone screen replacement"), ("product", "TEL-A54")],
            ],
        ),
        (
            "Won't turn on",
            [
                [("service", "Diagnostics")],
                [("service", "Diagnostics"), ("service", "Motherboard repair")],
            ],
        ),
        (
            "Battery drains fast",
            [
                [("service", "Battery replacement"), ("product", "BAT-IP11")],
                [("service", "Diagnostics"), ("service", "Battery replacement")],
            ],
        ),
        (
            "No sound during calls",
            [[("service", "Diagnostics"), ("service", "Speaker replacement")]],
        ),
        (
            "Loose charging port",
            [
                [("service", "Charging port replacement")],
                [("service", "Charging port replacement"), ("product", "CAB-USBC")],
            ],
        ),
        (
            "Laptop overheats and shuts down",
            [[("service", "Internal cleaning and thermal paste"), ("product", "PAS-TERM")]],
        ),
        (
            "Slow system",
            [
                [("service", "System reinstall")],
                [("service", "System reinstall"), ("product", "SSD-480")],
            ],
        ),
        (
            "Screen flickers",
            [[("service", "Diagnostics"), ("service", "Smartphone screen replacement")]],
        ),
    ],
    prepay_note="Deposit",
    return_reason="Factory defect",
    contact_leads=[
        ("Ryan Parker", "+1 617 555 0142", "iPhone 12 with a broken screen, wants a quote"),
        ("Susan Fletcher", "+1 (212) 555-0187", "Laptop won't turn on"),
    ],
    quote_description="Battery replacement",
    lost_contact=("Oscar Lane", "+1 415 555 0199"),
    lost_comment="Found it cheaper elsewhere",
    cashboxes=("Main till", "Card"),
    opening_note="Opening float",
    advance_notes=["Repair deposit", "Advance payment", "Paid ahead by card"],
    correction_reasons=["One-off service", "Part on order", "Old debt"],
    refund_note="Refund",
    sms_templates=[
        (
            "Order ready",
            "Hi {client_name}! Your order {last_order_number} is ready. {company_name}",
        ),
        ("Balance", "{client_name}, your balance at {company_name} is {balance}."),
    ],
    sms_text="Hi {client}! Your device is ready for pick-up.",
    shop_phone="+16175550100",
    stranger_phone="+14155550123",
    chat_names=("Website chat", "Owner's line"),
    threads=[
        (
            "",
            [
                ("in", "Hello! My laptop won't turn on after I spilled water on the keyboard."),
                ("out", "Hello! Bring it in today: diagnostics within 24 hours, free of charge."),
                ("in", "Great, I'll drop by at 5 pm."),
            ],
            False,
        ),
        (
            "Paula (website)",
            [
                ("in", "Do you replace iPhone 13 screens? How much is it?"),
                ("in", "And how long does it take?"),
            ],
            False,
        ),
        (
            "Ryan",
            [
                ("in", "Thanks, the phone works perfectly now!"),
                ("out", "Glad to hear it, Ryan! We're here if you need anything."),
            ],
            True,
        ),
        ("Parts supplier", [("in", "The battery batch arrives on Thursday.")], False),
    ],
    asset_groups=("Smartphone", "Laptop"),
    asset_comments=["", "", "Scratches on the back cover", "No charger"],
    move_comment="Waiting for a part",
    loan_device="Loaner phone (Moto G84)",
)

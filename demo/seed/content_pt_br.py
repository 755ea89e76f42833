"""The demo of a Brazilian shop (``LANGUAGE_CODE=pt-br``)."""

from random import Random

from .content import Content

DDDS = ["11", "21", "31", "41", "51", "61", "71", "81"]
STREETS = [
    "Rua Augusta",
    "Av. Paulista",
    "Rua da Consolação",
    "Rua das Flores",
    "Av. Brasil",
    "Rua XV de Novembro",
    "Av. Sete de Setembro",
]
DISTRICTS = ["Centro", "Jardins", "Vila Mariana", "Savassi", "Boa Viagem", "Moinhos de Vento"]


def _address(rng: Random) -> str:
    return f"{rng.choice(STREETS)}, {rng.randint(10, 2000)} – {rng.choice(DISTRICTS)}"


def _phone(rng: Random) -> str:
    return f"+55{rng.choice(DDDS)}9{rng.randint(6, 9)}{rng.randint(0, 9999999):07d}"


def _phone_typed(number: str) -> str:
    national = number.removeprefix("+55")
    return f"({national[:2]}) {national[2:7]}-{national[7:]}"


CONTENT = Content(
    employees=[
        ("admin", "Ana Administradora", "admin@oficina.example", "full_access"),
        ("manager", "Marcos Gerente", "manager@oficina.example", "manager"),
        ("tech", "Tiago Técnico", "tech@oficina.example", "specialist"),
    ],
    first_names=[
        "João",
        "Maria",
        "José",
        "Ana",
        "Francisco",
        "Antônia",
        "Carlos",
        "Juliana",
        "Paulo",
        "Fernanda",
        "Lucas",
        "Patrícia",
        "Rafael",
        "Camila",
        "Gabriel",
        "Beatriz",
        "Thiago",
        "Larissa",
        "Matheus",
        "Letícia",
        "Pedro",
        "Aline",
        "Bruno",
        "Vanessa",
        "Diego",
        "Mariana",
        "Felipe",
        "Renata",
        "Gustavo",
        "Luíza",
    ],
    last_names=[
        "Silva",
        "Santos",
        "Oliveira",
        "Souza",
        "Rodrigues",
        "Ferreira",
        "Alves",
        "Pereira",
        "Lima",
        "Gomes",
        "Costa",
        "Ribeiro",
        "Martins",
        "Carvalho",
        "Araújo",
        "Melo",
        "Barbosa",
        "Rocha",
        "Dias",
        "Nascimento",
        "Conceição",
        "Moreira",
    ],
    double_surname=0.4,
    organizations=[
        ("Auto Peças Paulista Ltda", "12.345.678/0001-90"),
        ("Clínica Sorriso Feliz", "23.456.789/0001-01"),
        ("Restaurante Sabor Mineiro", "34.567.890/0001-12"),
        ("TechFix Distribuidora", "45.678.901/0001-23"),
        ("Escola Pequeno Príncipe", "56.789.012/0001-34"),
        ("Contabilidade Horizonte", "78.901.234/0001-56"),
        ("Farmácia Bem-Estar", "89.012.345/0001-67"),
        ("Padaria Pão Quente", "67.890.123/0001-45"),
    ],
    tags=["VIP", "Empresa", "Recorrente", "Garantia", "Atacado", "Indicação"],
    organization_tag="Empresa",
    sources=["Google", "Instagram", "Facebook", "Indicação de cliente", "Passou na frente"],
    address=_address,
    phone=_phone,
    phone_typed=_phone_typed,
    mobile_label="Celular",
    work_label="Comercial",
    contact_field=("Contato preferido", ["Telefone", "WhatsApp", "E-mail"]),
    plate_label="Placa do veículo",
    services=[
        ("Diagnóstico", "80.00", 0),
        ("Troca de tela de smartphone", "250.00", 90),
        ("Troca de bateria", "150.00", 90),
        ("Limpeza interna e troca de pasta térmica", "120.00", 30),
        ("Reparo de placa-mãe", "400.00", 90),
        ("Formatação e instalação de sistema", "100.00", 30),
        ("Troca de conector de carga", "140.00", 90),
        ("Troca de alto-falante", "130.00", 90),
    ],
    products=[
        ("TEL-IP13", "Tela iPhone 13 (compatível)", "420.00", "260.00"),
        ("TEL-A54", "Tela Samsung Galaxy A54", "380.00", "230.00"),
        ("BAT-IP11", "Bateria iPhone 11", "180.00", "95.00"),
        ("CAB-USBC", "Cabo USB-C 1 m", "35.00", "12.00"),
        ("PAS-TERM", "Pasta térmica 4 g", "25.00", "9.00"),
        ("SSD-480", "SSD 480 GB SATA", "260.00", "190.00"),
    ],
    faults=[
        (
            "Tela trincada",
            [
                [("service", "Troca de tela de smartphone"), ("product", "TEL-IP13")],
                [("service", "Troca de tela de smartphone"), ("product", "TEL-A54")],
            ],
        ),
        (
            "Não liga",
            [
                [("service", "Diagnóstico")],
                [("service", "Diagnóstico"), ("service", "Reparo de placa-mãe")],
            ],
        ),
        (
            "Bateria descarregando rápido",
            [
                [("service", "Troca de bateria"), ("product", "BAT-IP11")],
                [("service", "Diagnóstico"), ("service", "Troca de bateria")],
            ],
        ),
        (
            "Sem áudio nas chamadas",
            [[("service", "Diagnóstico"), ("service", "Troca de alto-falante")]],
        ),
        (
            "Conector de carga solto",
            [
                [("service", "Troca de conector de carga")],
                [("service", "Troca de conector de carga"), ("product", "CAB-USBC")],
            ],
        ),
        (
            "Notebook esquentando e desligando",
            [[("service", "Limpeza interna e troca de pasta térmica"), ("product", "PAS-TERM")]],
        ),
        (
            "Sistema lento",
            [
                [("service", "Formatação e instalação de sistema")],
                [("service", "Formatação e instalação de sistema"), ("product", "SSD-480")],
            ],
        ),
        (
            "Tela piscando",
            [[("service", "Diagnóstico"), ("service", "Troca de tela de smartphone")]],
        ),
    ],
    prepay_note="Sinal",
    return_reason="Defeito de fábrica",
    contact_leads=[
        ("Renato Prado", "(11) 99123-4567", "iPhone 12 com tela quebrada, quer orçamento"),
        ("Sandra Vieira", "+55 21 98888-1234", "Notebook não liga"),
    ],
    quote_description="Troca de bateria",
    lost_contact=("Otávio Lins", "(31) 97777-0000"),
    lost_comment="Achou mais barato",
    cashboxes=("Caixa principal", "Cartão / PIX"),
    opening_note="Troco inicial",
    advance_notes=["Sinal do conserto", "Adiantamento", "Entrada via PIX"],
    correction_reasons=["Serviço avulso", "Peça encomendada", "Dívida antiga"],
    refund_note="Devolução",
    sms_templates=[
        (
            "Pedido pronto",
            "Olá, {client_name}! Seu pedido {last_order_number} está pronto. {company_name}",
        ),
        ("Saldo", "{client_name}, seu saldo na {company_name} é {balance}."),
    ],
    sms_text="Olá, {client}! Seu aparelho está pronto para retirada.",
    shop_phone="+551133334444",
    stranger_phone="+5521987650000",
    chat_names=("Chat do site", "Linha do dono"),
    threads=[
        (
            "",
            [
                ("in", "Boa tarde! Meu notebook não liga depois de cair água no teclado."),
                ("out", "Boa tarde! Traga hoje: fazemos o diagnóstico em até 24 h, sem custo."),
                ("in", "Ótimo, passo aí às 17h."),
            ],
            False,
        ),
        (
            "Paula (site)",
            [
                ("in", "Vocês trocam tela de iPhone 13? Quanto fica?"),
                ("in", "E quanto tempo demora?"),
            ],
            False,
        ),
        (
            "Rafael",
            [
                ("in", "Obrigado, o celular ficou perfeito!"),
                ("out", "Que bom, Rafael! Qualquer coisa, estamos aqui."),
            ],
            True,
        ),
        ("Fornecedor Peças SP", [("in", "O lote de baterias chega na quinta.")], False),
    ],
    asset_groups=("Smartphone", "Notebook"),
    asset_comments=["", "", "Riscos na tampa traseira", "Sem carregador"],
    move_comment="Aguardando peça",
    loan_device="Aparelho de empréstimo (Moto G84)",
)

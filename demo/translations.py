"""The demo campaigns' texts in Spanish, French, Portuguese and Arabic, every field of them.

A translation that gives only a title shows the English statement under it: on /es/ or
/ar/ the demo would read as half translated. `manage.py load_demo` writes these into the
campaigns' `CampaignTranslation` rows (campaigns/models.py), keyed by campaign slug.
"""

REFUSE_EXTRACTION = {
    "es": {
        "title": "Rechazamos la extracción de datos de las grandes tecnológicas",
        "summary": "Una carta abierta de grupos tecnológicos que no venderán a sus comunidades.",
        "statement": """Somos grupos tecnológicos, cooperativas, sindicatos y redes comunitarias.

**Nos negamos** a entregar los datos de las personas a las que servimos
a empresas cuyo negocio es la extracción.
Nos comprometemos con herramientas que podamos gobernar nosotros mismos,
e invitamos a otras organizaciones a sumarse.

- Nada de publicidad basada en la vigilancia en nuestros sitios.
- Ningún dato comunitario en las nubes de las grandes tecnológicas
  cuando exista una alternativa.
- Dinero público para infraestructura pública y abierta.
""",
        "call_to_action": "Firma la declaración",
    },
    "fr": {
        "title": "Nous refusons l'extraction de données des géants du numérique",
        "summary": "Une lettre ouverte de collectifs technologiques qui ne vendront pas leurs "
        "communautés.",
        "statement": """Nous sommes des collectifs technologiques, des coopératives, des syndicats
et des réseaux communautaires.

Nous **refusons** de livrer les données des personnes que nous servons
à des entreprises dont le métier est l'extraction.
Nous nous engageons pour des outils que nous pouvons gouverner nous-mêmes,
et nous appelons d'autres organisations à nous rejoindre.

- Pas de publicité fondée sur la surveillance sur nos sites.
- Pas de données communautaires dans les nuages des géants du numérique
  quand une alternative existe.
- De l'argent public pour des infrastructures publiques et ouvertes.
""",
        "call_to_action": "Signer la déclaration",
    },
    "pt": {
        "title": "Recusamos a extração de dados das big techs",
        "summary": "Uma carta aberta de grupos de tecnologia que não vão vender suas comunidades.",
        "statement": """Somos grupos de tecnologia, cooperativas, sindicatos e redes comunitárias.

Nós nos **recusamos** a entregar os dados das pessoas que atendemos
a empresas cujo negócio é a extração.
Nós nos comprometemos com ferramentas que nós mesmos possamos governar,
e convidamos outras organizações a se juntarem a nós.

- Nenhuma publicidade baseada em vigilância em nossos sites.
- Nenhum dado comunitário nas nuvens das big techs quando houver uma alternativa.
- Dinheiro público para infraestrutura pública e aberta.
""",
        "call_to_action": "Assine a declaração",
    },
    "ar": {
        "title": "نرفض استخراج البيانات من قبل شركات التكنولوجيا الكبرى",
        "summary": "رسالة مفتوحة من مجموعات تقنية لن تبيع مجتمعاتها.",
        "statement": """نحن مجموعات تقنية وتعاونيات ونقابات وشبكات مجتمعية.

**نرفض** تسليم بيانات الناس الذين نخدمهم إلى شركات تقوم تجارتها على الاستخراج.
نلتزم بأدوات نستطيع أن نديرها بأنفسنا، وندعو الآخرين إلى الانضمام إلينا.

- لا إعلانات قائمة على المراقبة في مواقعنا.
- لا بيانات مجتمعية في سحابات شركات التكنولوجيا الكبرى حيثما وُجد بديل.
- المال العام لبنية تحتية عامة ومفتوحة.
""",
        "call_to_action": "وقّع البيان",
    },
}

BIG_TECH_BDS = {
    "es": {
        "title": "Campaña BDS contra las grandes tecnológicas",
        "summary": "Las organizaciones se comprometen a boicotear a las grandes tecnológicas, "
        "desinvertir de ellas y sancionarlas, e informan hasta cumplirlo.",
        "statement": "Asume compromisos concretos: abandona un producto, mueve el dinero, "
        "adopta una política.\n\nSeguimos cada compromiso hasta que se cumple.",
        "call_to_action": "Asume un compromiso",
    },
    "fr": {
        "title": "Campagne BDS contre les géants du numérique",
        "summary": "Des organisations s'engagent à boycotter les géants du numérique, à s'en "
        "désinvestir et à les sanctionner, et rendent compte jusqu'à ce que ce soit fait.",
        "statement": "Prenez des engagements concrets : quitter un produit, déplacer de "
        "l'argent, adopter une règle.\n\nNous suivons chaque engagement jusqu'à ce qu'il soit "
        "tenu.",
        "call_to_action": "Prendre un engagement",
    },
    "pt": {
        "title": "Campanha BDS contra as big techs",
        "summary": "Organizações se comprometem a boicotar, desinvestir e sancionar as big "
        "techs, e prestam contas até cumprir.",
        "statement": "Assuma compromissos concretos: abandonar um produto, tirar o dinheiro, "
        "adotar uma política.\n\nAcompanhamos cada compromisso até que seja cumprido.",
        "call_to_action": "Assuma um compromisso",
    },
    "ar": {
        "title": "حملة المقاطعة وسحب الاستثمارات وفرض العقوبات على شركات التكنولوجيا الكبرى",
        "summary": "تتعهد المنظمات بمقاطعة شركات التكنولوجيا الكبرى وسحب الاستثمارات منها "
        "وفرض العقوبات عليها، وتقدّم تقاريرها حتى يتحقق ذلك.",
        "statement": "تعهّدوا بالتزامات ملموسة: التخلّي عن منتج، أو نقل الأموال، أو اعتماد "
        "سياسة.\n\nنتابع كل التزام حتى يتحقق.",
        "call_to_action": "تعهّد بالتزام",
    },
}

COALITION_FUND = {
    "es": {
        "title": "Financia la coalición",
        "summary": "Ser independientes de las grandes tecnológicas significa que nos financia "
        "la gente: apoya al grupo de trabajo de finanzas.",
        "statement": "Cada donación paga servidores que controlamos, traducciones y apoyo "
        "jurídico.",
        "call_to_action": "Dona",
    },
    "fr": {
        "title": "Financez la coalition",
        "summary": "Indépendants des géants du numérique, donc financés par les gens : "
        "soutenez le groupe de travail finances.",
        "statement": "Chaque don finance des serveurs que nous contrôlons, des traductions et "
        "un soutien juridique.",
        "call_to_action": "Faire un don",
    },
    "pt": {
        "title": "Financie a coalizão",
        "summary": "Ser independente das big techs significa ser financiado pelas pessoas: "
        "apoie o grupo de trabalho de finanças.",
        "statement": "Cada doação paga servidores que controlamos, traduções e apoio jurídico.",
        "call_to_action": "Doe",
    },
    "ar": {
        "title": "موّلوا التحالف",
        "summary": "الاستقلال عن شركات التكنولوجيا الكبرى يعني تمويلًا من الناس: ادعموا فريق "
        "العمل المالي.",
        "statement": "كل تبرّع يموّل خوادم نتحكم بها، وترجمات، ودعمًا قانونيًا.",
        "call_to_action": "تبرّع",
    },
}

TRANSLATIONS = {
    "refuse-extraction": REFUSE_EXTRACTION,
    "big-tech-bds": BIG_TECH_BDS,
    "coalition-fund": COALITION_FUND,
}

"""The tables the entity check reads (:mod:`align.entities`): French acronyms that change in
English, the French words that render English capitalised words where spelling alone does not
show it, and the capitalised words of either language that name nothing by themselves. They
were grown from the words that tripped the check on human translations of WMT newstest2013.
"""

from __future__ import annotations

# French acronyms that change in English, with the English forms that count as kept.
ACRONYM_GLOSSARY: dict[str, tuple[str, ...]] = {
    "RPDC": ("DPRK", "North Korea", "North Korean", "Democratic People's Republic of Korea"),
    "ONU": ("UN", "U.N.", "United Nations"),
    "UE": ("EU", "European Union"),
    "OTAN": ("NATO", "North Atlantic Treaty Organization", "North Atlantic Treaty Organisation"),
    "FMI": ("IMF", "International Monetary Fund"),
    "OMS": ("WHO", "World Health Organization", "World Health Organisation"),
    "OMC": ("WTO", "World Trade Organization", "World Trade Organisation"),
    "BCE": ("ECB", "European Central Bank"),
    "AIEA": ("IAEA", "International Atomic Energy Agency"),
    "OCDE": ("OECD",),
    "PIB": ("GDP", "gross domestic product"),
    "ONG": ("NGO", "non-governmental organisation", "non-governmental organization", "nongovernmental organisation",
            "nongovernmental organization"),
    "SIDA": ("AIDS",),
    "VIH": ("HIV",),
    "TVA": ("VAT", "value added tax"),
    "PME": ("SME", "small and medium"),
    "CPI": ("ICC", "International Criminal Court", "CPI", "consumer price"),
    "CIJ": ("ICJ", "International Court of Justice"),
    "HCR": ("UNHCR", "refugee agency"),
    "PNUD": ("UNDP",),
    "UA": ("AU", "African Union"),
    "OPEP": ("OPEC",),
    "ADN": ("DNA",),
    "ARN": ("RNA",),
    "OGM": ("GMO", "genetically modified"),
    "EI": ("IS", "ISIS", "Islamic State"),
    "EIIL": ("ISIL", "ISIS"),
    "PDG": ("CEO", "chief executive", "chairman"),
    "RDC": ("DRC", "Democratic Republic of the Congo", "Democratic Republic of Congo"),
    "RCA": ("CAR", "Central African Republic"),
    "EAU": ("UAE", "United Arab Emirates"),
    "URSS": ("USSR", "Soviet Union"),
    "RFA": ("FRG", "Germany", "West Germany", "German"),
    "CEDEAO": ("ECOWAS",),
    "RU": ("UK", "United Kingdom", "Britain"),
    "NU": ("UN", "United Nations"),
    "CSNU": ("UNSC", "Security Council"),
    "BEI": ("EIB",),
    "CE": ("EC", "European Commission"),
    "PS": ("PS", "Socialist"),
    "UMP": ("UMP",),
    "FN": ("FN", "National Front"),
    # international bodies whose French and English acronyms differ
    "OIAC": ("OPCW", "chemical weapons watchdog", "Prohibition of Chemical Weapons"),
    "OIT": ("ILO", "International Labour Organization", "International Labor Organization"),
    "PAM": ("WFP", "World Food Programme", "World Food Program"),
    "CICR": ("ICRC", "Red Cross"),
    "OMPI": ("WIPO", "World Intellectual Property Organization"),
    "OACI": ("ICAO", "International Civil Aviation Organization"),
    "OMI": ("IMO", "International Maritime Organization"),
    "UIT": ("ITU", "International Telecommunication Union"),
    "OMM": ("WMO", "World Meteorological Organization"),
    "CNUCED": ("UNCTAD",),
    "PNUE": ("UNEP", "UN Environment"),
    "BERD": ("EBRD", "European Bank for Reconstruction and Development"),
    "ALENA": ("NAFTA", "North American Free Trade Agreement"),
    "AELE": ("EFTA", "European Free Trade Association"),
    "CEE": ("EEC", "European Economic Community"),
    "TPIY": ("ICTY", "International Criminal Tribunal for the former Yugoslavia"),
    "OUA": ("OAU", "Organisation of African Unity", "Organization of African Unity"),
    # abbreviations of common nouns, which English writes out or abbreviates its own way
    "SMS": ("SMS", "text", "texts", "text message", "texting"),
    "QG": ("HQ", "headquarters", "base"),
    "OPA": ("takeover", "bid", "tender offer"),
    "AVC": ("stroke",),
    "SDF": ("homeless",),
    "HLM": ("social housing", "council", "public housing", "housing project"),
    "TGV": ("TGV", "high-speed", "high speed"),
    "CDI": ("permanent", "CDI"),
    "CDD": ("fixed-term", "temporary", "CDD"),
    "IVG": ("abortion", "termination"),
    "PMA": ("IVF", "assisted reproduction", "fertility", "medically assisted"),
    "BTP": ("construction", "building", "public works"),
    "RH": ("HR", "human resources", "personnel"),
    "DRH": ("HR", "human resources", "personnel"),
    "OVNI": ("UFO",),
    "JO": ("Olympics", "Olympic", "Games"),
    "CV": ("CV", "resume", "résumé"),
    "IRM": ("MRI", "scan"),
    "CHU": ("CHU", "university hospital", "teaching hospital", "hospital"),
    "EHPAD": ("care home", "nursing home", "retirement home"),
    "IMC": ("BMI", "body mass"),
    "TOC": ("OCD", "obsessive"),
    "IST": ("STI", "STD", "sexually transmitted"),
    "MST": ("STD", "STI", "sexually transmitted"),
    "DAB": ("ATM", "cash machine", "cash dispenser"),
    "QI": ("IQ",),
    "PNB": ("GNP", "gross national product"),
    "BD": ("comic", "comics", "graphic novel"),
    "PV": ("minutes", "fine", "ticket", "report"),
    "TTC": ("including tax", "incl", "inclusive"),
    "HT": ("excluding tax", "excl", "before tax"),
    "ADSL": ("ADSL", "broadband"),
    "VTC": ("ride-hailing", "ride-sharing", "minicab", "chauffeur", "private hire"),
    "SAMU": ("SAMU", "ambulance", "emergency medical", "paramedics"),
    "SMUR": ("SMUR", "ambulance", "emergency medical", "mobile emergency", "paramedics"),
    # currency codes, which English gives as the currency's name (25 millions CZK / 25 million crowns)
    "CZK": ("CZK", "crown", "koruna"),
    "EUR": ("EUR", "euro"),
    "USD": ("USD", "dollar"),
    "GBP": ("GBP", "pound", "sterling"),
    "CHF": ("CHF", "Swiss franc"),
    "RUB": ("RUB", "rouble", "ruble"),
    "PLN": ("PLN", "zloty"),
    "JPY": ("JPY", "yen"),
    "CNY": ("CNY", "yuan", "renminbi"),
}


# English capitalised words, each with the accent-free French word prefixes that render it where
# spelling alone does not show it: calendar words, demonyms, exonyms, US states as news style
# abbreviates them after a city ("Valdosta, Ga." / *Valdosta en Géorgie*), titles and institutions,
# the English acronyms of French full names, and the common words names of institutions and
# places are made of, which English translates word by word (Fire Protection Service / Service de
# protection contre les incendies, Baja California / Basse-Californie). A prefix of three letters
# or fewer matches a whole word or its inflections (:meth:`align.name_mentions.Spellings.starts_with`).
_RENDERINGS_TEXT = """
january:janv february:fevr march:mars april:avril may:mai june:juin july:juil august:aout
jan:janv feb:fevr apr:avril jun:juin jul:juil aug:aout sep:sept oct:octob oct nov:novemb nov dec:decemb dec
september:sept october:octob oct november:novemb nov december:decemb dec monday:lundi tuesday:mardi
wednesday:mercredi thursday:jeudi friday:vendredi saturday:samedi sunday:dimanche
christmas:noel easter:paques
english:anglais angleterre anglo england:angleterre anglais scottish:ecoss scotland:ecoss welsh:gallois galles
wales:galles irish:irland ireland:irland dutch:neerland holland pays-bas netherlands:neerland pays-bas holland
swiss:suiss switzerland:suiss greek:grec greece:grec swedish:suedo suede sweden:suede suedo danish:danois
denmark:danemark norwegian:norveg norway:norveg finnish:finland belgian:belg austrian:autrich
austria:autrich hungarian:hongr hungary:hongr czech:tcheque portuguese:portug arab:arab arabic:arab
egyptian:egypt lebanese:liban lebanon:liban saudi:saoudi pakistani:pakistan palestinian:palestin
african:afriq afro africa:afriq asian:asie asiatiq asia:asie european:europ europe:europ
western:occident ouest eastern:orient est french:franc france:franc frenchman:franc
quebecer:quebec quebecers:quebec montrealer:montreal parisian:parisien paris
soviet:sovie urss catalonia:catalogn brussels:bruxelles warsaw:varsovie antwerp:anvers basel:bale
lisbon:lisbonne mecca:mecque cornwall:cornouaill dover:douvres venice:venise geneva:geneve
vienna:vienne hague:haye cairo:caire algiers:alger mediterranean:mediterran
north:nord northern:nord south:sud austral southern:sud austral east:est orient west:ouest occident
black:noir white:blanc red:rouge green:vert blue:bleu peace:paix prize:prix award:prix
new:nouve neuf saint:saint st:saint peters santa:saint san:saint great:grand united:uni unis etats states:etat union:union
kingdom:royaume republic:republi people:peupl populaire democratic:democrat
president:presiden minister:ministr ministry:minist prime:premier chancellor:chancel
secretary:secretair ministr general:general foreign:etrang exterieur affairs:affaire
office:bureau office home:interieur defence:defense defense:defense interior:interieur
health:sante education:educat enseign treasury:tresor economy:econom senator:senat sen:senat
congressman:congres depute house:maison chambre representatives:represent representative:represent
parliament:parlement parliamentary:parlement council:conseil court:cour tribunal plaza:place
government:gouvern governor:gouvern mayor:maire city:ville cite hall:mairie hotel army:armee
navy:marine force:force forces:force world:mond cup:coupe league:ligue championship:championn
games:jeux university:universit school:ecole hospital:hopital museum:musee agency:agence
bank:banque reserve:reserv fund:fonds stock:bourse exchange:bourse echange church:eglise
muslim:musulman islam jewish:juif juive jew:juif christian:chretien god:dieu pope:pape
bishop:eveque king:roi queen:reine emperor:empereur war:guerre sea:mer river:fleuve riviere
lake:lac island:ile islands:iles mount:mont mountain:montagn gulf:golfe bay:baie valley:vallee
state:etat states:etat id:identit attorney:avocat procureur care:soin
greater:grand director:direct sea:mer holy:saint sacre sainte
century:siecle summit:sommet ecuador:equat ecuadorian:equat brothers:frere brotherhood:frere confrer westerners:occident jews:juif land:terre earth:terre korea:coree korean:coree bc:avant av jc bce:avant av jc ad:apres jc street:rue square:place station:gare station caserne poste airport:aeroport high:haut head:chef direct dirig deputy:vice adjoint editor:ndlr redact year:annee an
un:onu nations eu:ue union us:etats-unis americ usa:etats-unis americ uk:royaume-uni britann
tory:conservat tories:conservat labour:travaill mp:depute parlement mps:depute parlement isis:daech daesh eiil
unscr:resolution nato:otan imf:fmi who:oms wto:omc ecb:bce gdp:pib ngo:ong aids:sida hiv:vih seropositi vat:tva
department:service depart minist fire:incendi feu pompier border:frontier frontal food:aliment nourri
standards:norme prison:penitenti carceral detention facility:centre etabliss install pretrial:provisoir preventi
rescue:secours sauvet officer:officier agent intelligence:renseign staff:etat-major personnel quartier chief:chef
headquarters:quartier siege leader:chef dirige board:conseil direct management:direction gestion chairman:presiden
company:societe compagnie entreprise manager:responsable gestion chef municipality:commune municipal
commissioner:commissa committee:comite commission subcommittee:comite commission sous-comite panel:groupe comite jury justice:juge
barrister:avocat magistrates:magistrat criminal:penal criminel supreme:suprem superieur haut audit:controle verif
news:nouvelle info actualit presse media:presse publication:edition entry:entree administration:agence
free:libre show:salon spectacle airshow:salon primary:premi primaire intermediate:intermediai two:deux second
human:homme humain quartet:quatuor
privacy:privee liberties:libert occupational:travail professionn labor:travaill technology:technolog informati
disaster:catastroph desastr sinistr mitigation:reduct attenu preven wildlife:faune fish:poisson peche
tide:maree strip:bande choir:chor chœur choeur song:chanson contest:concours highness:altesse mother:mere
lower:bas inferieur upper:haut superieur baja:bas cross:croix golden:dore dawn:aube eve:veille quarry:carriere
ring:cercle anneau ray:rayon radio uplands:plateau hautes-terres trench:fosse galaxy:galax nebula:nebuleuse wheel:roue
ceo:pdg directeur direct patron dirigeant hq:qg quartier siege mri:irm ufo:ovni atm:distributeur dab iq:qi
hr:rh drh ressources ivf:fiv pma procreation sme:pme bmi:imc ocd:toc std:mst ist sti:ist mst
sun:soleil moon:lune man:homme mankind:homme humanit tv:tele master:maitr masters:maitr
mum:maman mom:maman mother:maman dad:papa father:papa pere lent:careme american:etasun
mary:marie peter:pierre jack:jacques james:jacques john:jean william:guillaum christopher:christoph
columbus:colomb stephen:etienne joan:jeann lucy:luci ann:anne mainz:mayence ghent:gand gaunt:gand
capua:capoue cinderella:cendrill chapter:chapitre
mt:mont day:jour count:comte son:fils right:droit rights:droit treaty:traite star:etoile motor:moteur
chess:echec association:associat mister:monsieur hell:enfer christianity:chretien morocco:maroc moroccan:maroc
iceland:island icelandic:island englishwoman:anglais englishwomen:anglais englishman:anglais englishmen:anglais
kyrgyzstan:kirghiz kyrgyz:kirghiz uzbekistan:ouzbek uzbek:ouzbek tajikistan:tadjik tajik:tadjik
ala:alabam ariz:arizon ark:arkansa calif:californ colo:colorad conn:connecticut del:delaware fla:florid ga:georgi
ill:illinoi ind:indiana kan:kansa ky:kentuck la:louisian md:maryland mass:massachuset mich:michigan minn:minnesot
miss:mississip mo:missour mont:montan neb:nebrask nev:nevad okla:oklahom ore:oregon pa:pennsylvan tenn:tenness
tex:texa vt:vermont va:virgini wash:washington wis:wisconsin wyo:wyoming
"""


def _parse_renderings(text: str) -> dict[str, tuple[str, ...]]:
    """``"may:mai wales:galles"`` → {"may": ("mai",), "wales": ("galles",)}; a word without a
    colon adds one more prefix to the entry before it."""
    table: dict[str, list[str]] = {}
    current = ""
    for item in text.split():
        if ":" in item:
            current, item = item.split(":", 1)
        table.setdefault(current, []).append(item)
    return {word: tuple(prefixes) for word, prefixes in table.items()}


RENDERINGS: dict[str, tuple[str, ...]] = _parse_renderings(_RENDERINGS_TEXT)


def renderings(key: str) -> tuple[str, ...]:
    """French prefixes rendering an English word, its plural included ("Heads" / chefs)."""
    return RENDERINGS.get(key) or RENDERINGS.get(key.removesuffix("s"), ())

# Capitalised French words that are not names (institutions, titles, days) or that English
# renders differently; they are never required verbatim in the translation.
FRENCH_NOT_NAMES = frozenset(
    """
    assemblée parlement gouvernement président présidente ministre ministres premier première
    conseil sécurité nations unies union européenne européen état états etat etats république
    populaire démocratique cour charte commission chambre sénat congrès cabinet garde sceaux
    monsieur madame mademoiselle messieurs mesdames mesdemoiselles m mme mlle dr docteur saint sainte haut haute secrétaire général
    générale affaires étrangères étrangère intérieur justice défense nord sud est ouest orient
    royaume uni unis fédération fédéral fédérale mer océan golfe mont lac île îles pays bas
    bourse banque centrale fonds monétaire international internationale organisation mondiale
    parti socialiste républicain républicains démocrate démocrates national nationale front
    dieu église eglise pape roi reine prince princesse empire guerre mondiale seconde
    lundi mardi mercredi jeudi vendredi samedi dimanche noël pâques internet web net toile
    centre ministère université musée société institut agence office palais maison blanche
    suprême constitutionnel constitutionnelle grand grande petit nouveau nouvelle vieux ancien
    professeur maître capitaine colonel lieutenant sergent commandant mondial coupe
    ligue championnat jeux olympiques festival prix trésor hôpital école lycée collège
    dre laboratoire laboratoires procureur administration révérend père mère frère sœur la le les
    directeur directrice chef académie md mds mrd mrds
    """.split()
)

# Capitalised English words that name nothing by themselves, and the articles of names English
# keeps from Spanish or French (El Salvador / le Salvador, Le Golf National / le Golf National),
# and the particles of surnames, which French and English spell either way (Dave Van Ronk / Von Ronk).
ENGLISH_NOT_NAMES = frozenset(
    """
    i i'm i've i'd i'll mr mrs ms dr sir madam miss ok o.k. okay the a an in on at of for to and or but
    el la le los las van von der den
    if as by with from this that these those it its he she we they you his her our their my your
    there here when while after before since although though however yet so not no
    rev capt sen sens gen col lt sgt cpl maj adm gov rep reps prof hon jr sr messrs
    first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth
    fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth
    twenties thirties forties fifties sixties seventies eighties nineties
    bst gmt utc cet cest edt est cdt cst mdt mst pdt pst
    """.split()
)

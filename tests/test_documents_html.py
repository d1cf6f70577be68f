"""HTML reader: the article of a saved page without its chrome, blocks with kinds and element
paths, nothing executed or fetched, bad pages refused in one line."""

from __future__ import annotations

import json
import socket
from html import escape
from pathlib import Path

import lxml.html
import pytest

from align.blocks import segment_document
from align.documents import detect_format, read_document
from align.documents import html as html_reader
from align.documents.html_chrome import chrome_rule
from align.errors import DataError

from conftest import SEED_FR, SHARED

PAGES = SHARED / "data" / "documents" / "html"

CHROME = {
    "nav": "Accueil",
    "cookie": "Nous utilisons des cookies pour mesurer l’audience de ce site. En poursuivant votre navigation, "
              "vous acceptez leur utilisation.",
    "footer": "© 2024 Ministère de l’Europe et des Affaires étrangères — Mentions légales",
}


def seed_paragraphs() -> list[str]:
    """The seed statement's paragraphs without line 2, the leftover "Partager" button."""
    paragraphs = [p.strip() for p in SEED_FR.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    assert paragraphs[1] == "Partager"
    return [paragraphs[0]] + paragraphs[2:]


def page(article: str, title: str = "Déclaration", head: str = "") -> str:
    """A ministry-style page: nav bar, cookie banner, share buttons and footer around ``article``."""
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{escape(title)} - France Diplomatie</title>{head}
<style>body {{ font-family: sans-serif }} .hidden {{ display: none }}</style>
<script>window.dataLayer = [{{"event": "SCRIPT-TEXT-MUST-NOT-APPEAR"}}];</script></head>
<body>
<div id="cookie-banner" class="cookie-consent"><p>{CHROME["cookie"]}</p><button>Accepter</button><button>Refuser</button></div>
<header><nav class="main-nav"><ul><li><a href="/">{CHROME["nav"]}</a></li><li><a href="/politique">Politique étrangère</a></li>
<li><a href="/presse">Salle de presse</a></li><li><a href="/services">Services aux citoyens</a></li></ul></nav></header>
<main><article>
<ul class="breadcrumb"><li><a href="/">Accueil</a></li><li><a href="/presse">Salle de presse</a></li></ul>
<h1>{escape(title)}</h1>
<div class="share"><a href="#" class="share-button">Partager</a> <a href="#">Imprimer</a> <a href="#">Facebook</a> <a href="#">Twitter</a></div>
{article}
</article></main>
<footer><p>{CHROME["footer"]}</p><ul><li><a href="/contact">Contact</a></li><li><a href="/plan">Plan du site</a></li></ul></footer>
</body></html>
"""


def seed_page() -> str:
    title, *body = seed_paragraphs()
    return page("\n".join(f"<p>{escape(p)}</p>" for p in body), title=title)


def write(tmp_path: Path, text: str, name: str = "page.html", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding, "xmlcharrefreplace"))
    return path


def test_seed_page_yields_exactly_the_seed_sentences_without_its_share_button(tmp_path):
    path = write(tmp_path, seed_page())
    document = read_document(path)
    assert document.format == "html"
    expected = [s.text for s in segment_document(read_document(SEED_FR), "fr") if s.text != "Partager"]
    assert [s.text for s in segment_document(document, "fr")] == expected
    assert document.blocks[0].kind == "title"
    assert document.blocks[0].text == seed_paragraphs()[0]
    assert all(block.kind == "paragraph" for block in document.blocks[1:])
    for chrome in [*CHROME.values(), "Partager", "Imprimer", "Salle de presse", "SCRIPT-TEXT", "font-family"]:
        assert chrome not in document.text


def test_chrome_inside_the_article_without_telling_class_names_is_dropped(tmp_path):
    """Date, byline, "À lire aussi" box, newsletter box and tag line in the article itself, with no
    class names that would give them away: the seed's sentences still come out alone."""
    title, *body = seed_paragraphs()
    paragraphs = [f"<p>{escape(p)}</p>" for p in body]
    article = (
        "<p>Publié le 5 novembre 2024</p><p>Par la Direction de la communication</p>" + "".join(paragraphs[:2])
        + "<div><h3>À lire aussi</h3><ul><li><a href='/a'>Déclaration du G7 sur la Corée du Nord</a></li>"
        "<li><a href='/b'>Sanctions contre la Russie : le point</a></li></ul></div>" + "".join(paragraphs[2:])
        + "<div><p>Inscrivez-vous à notre lettre d’information pour recevoir chaque semaine l’essentiel de "
        "l’actualité diplomatique.</p><form><input type='email'><button>S’abonner</button></form></div>"
        "<p>Mots-clés : Corée du Nord, Russie, Ukraine</p>"
    )
    document = read_document(write(tmp_path, page(article, title=title)))
    assert [block.text for block in document.blocks] == seed_paragraphs()


def test_locators_are_element_paths_into_the_original_page(tmp_path):
    text = seed_page()
    document = read_document(write(tmp_path, text))
    tree = lxml.html.document_fromstring(text.encode("utf-8")).getroottree()
    assert [block.locator["path"] for block in document.blocks[:2]] == ["/html/body/main/article/h1", "/html/body/main/article/p[1]"]
    for block in document.blocks:
        (element,) = tree.xpath(block.locator["path"])
        assert " ".join(element.text_content().split()) == block.text


def test_a_repeated_paragraph_and_inline_markup_get_their_own_element_paths(tmp_path):
    refrain = "Nous réaffirmons notre soutien à l’Ukraine, aujourd’hui comme hier, sans la moindre réserve."
    article = (f"<p>{refrain}</p>"
               "<p>Les ministres ont <em>aussi</em> rappelé les <a href='/r'>résolutions 1718, 1874 et 2270</a> du "
               "Conseil de sécurité, que la RPDC viole ouvertement.</p>"
               f"<div class='encadre'><p>{refrain}</p></div>")
    document = read_document(write(tmp_path, page(article)))
    paths = [block.locator["path"] for block in document.blocks[1:]]
    assert paths == ["/html/body/main/article/p[1]", "/html/body/main/article/p[2]", "/html/body/main/article/div[2]/p"]
    assert document.blocks[2].text == ("Les ministres ont aussi rappelé les résolutions 1718, 1874 et 2270 du Conseil "
                                       "de sécurité, que la RPDC viole ouvertement.")


ARTICLE_WITH_STRUCTURE = """
<p>Les ministres ont adopté une déclaration commune sur la situation dans la région et sur ses conséquences.</p>
<h2>Les engagements pris</h2>
<p>Ils se sont engagés sur trois points, qui seront revus lors de la prochaine réunion du groupe.</p>
<ul><li>Renforcer les sanctions contre les entités impliquées dans les transferts d’armes.</li>
<li>Soutenir l’Ukraine dans sa défense, aussi longtemps qu’il le faudra.</li></ul>
<blockquote><p>Nous ne laisserons pas ces violations du droit international sans réponse.</p></blockquote>
<table><tr><th>Pays</th><th>Contribution</th></tr><tr><td>France</td><td>Deux cents millions d’euros</td></tr></table>
<p>La prochaine réunion se tiendra à Rome au printemps, selon le communiqué publié à l’issue des travaux.</p>
"""


def test_headings_lists_quotes_and_table_cells_are_blocks_of_their_kind(tmp_path):
    document = read_document(write(tmp_path, page(ARTICLE_WITH_STRUCTURE, title="Réunion des ministres")))
    kinds = {block.text: block.kind for block in document.blocks}
    assert kinds["Réunion des ministres"] == "title"
    assert kinds["Les engagements pris"] == "heading"
    assert kinds["Soutenir l’Ukraine dans sa défense, aussi longtemps qu’il le faudra."] == "list-item"
    assert kinds["Nous ne laisserons pas ces violations du droit international sans réponse."] == "quote"
    assert kinds["Deux cents millions d’euros"] == "table-cell"
    assert document.blocks[-1].text.startswith("La prochaine réunion")
    paths = {block.text: block.locator["path"] for block in document.blocks}
    assert paths["Soutenir l’Ukraine dans sa défense, aussi longtemps qu’il le faudra."].endswith("/article/ul[2]/li[2]")
    assert paths["Deux cents millions d’euros"].endswith("/td[2]")


def test_scripts_styles_and_iframes_are_never_text_and_nothing_is_fetched(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    hostile = """
<p>Premier paragraphe de l’article, assez long pour être retenu comme contenu principal de la page.</p>
<script>document.write("<p>SCRIPT-WROTE-THIS paragraphe injecté par un script.</p>")</script>
<iframe srcdoc="<p>IFRAME-TEXT dans un cadre.</p>" src="http://example.invalid/frame"></iframe>
<noscript><p>NOSCRIPT-TEXT activez JavaScript.</p></noscript>
<img src="http://example.invalid/pixel.gif" onerror="alert('ONERROR')">
<style>.x::after { content: "STYLE-TEXT" }</style>
<p>Second paragraphe de l’article, qui clôt le texte et que le lecteur doit garder intégralement.</p>
"""
    head = '<link rel="stylesheet" href="http://example.invalid/site.css"><script src="http://example.invalid/app.js"></script>'
    document = read_document(write(tmp_path, page(hostile, head=head)))
    assert [b.text for b in document.blocks][1:] == [
        "Premier paragraphe de l’article, assez long pour être retenu comme contenu principal de la page.",
        "Second paragraphe de l’article, qui clôt le texte et que le lecteur doit garder intégralement.",
    ]
    for marker in ("SCRIPT-WROTE-THIS", "IFRAME-TEXT", "NOSCRIPT-TEXT", "ONERROR", "STYLE-TEXT", "SCRIPT-TEXT"):
        assert marker not in document.text


def test_entities_are_decoded_and_invisible_characters_removed(tmp_path):
    article = ("<p>L&#8217;&eacute;valuation &amp; la recherche&nbsp;: un d&eacute;bat ancien, "
               "que la r&eacute;forme auto&shy;nome rel&#x00E8;ve encore une fois.</p>"
               "<p>Un second paragraphe pour que l&rsquo;article ait un peu de corps et de contenu.</p>")
    document = read_document(write(tmp_path, page(article)))
    assert document.blocks[1].text == ("L’évaluation & la recherche : un débat ancien, que la réforme autonome "
                                       "relève encore une fois.")


def test_a_declared_legacy_charset_is_honoured(tmp_path):
    text = page("<p>Déclaration relative à l’été, écrite en Latin-1 par un vieux système de publication.</p>"
                "<p>Deuxième paragraphe, où l’on parle de sécurité et de coopération régionale.</p>",
                title="Été")
    text = text.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">')
    document = read_document(write(tmp_path, text.replace("’", "'"), encoding="latin-1"))
    assert document.blocks[0].text == "Été"
    assert "Déclaration relative à l'été" in document.text
    assert document.notice is None


def test_an_xhtml_page_with_a_public_doctype_is_read_without_fetching_it(tmp_path, monkeypatch):
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: pytest.fail("the reader fetched the DTD"))
    text = seed_page().replace(
        "<!DOCTYPE html>\n<html lang=\"fr\">",
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="fr">', 1)
    assert "xhtml1-strict.dtd" in text
    path = write(tmp_path, text, "page.xhtml")
    assert detect_format(path) == "html"
    assert [block.text for block in read_document(path).blocks] == seed_paragraphs()


def test_a_utf16_page_is_recognised_and_read(tmp_path):
    path = tmp_path / "page.htm"
    path.write_bytes(seed_page().encode("utf-16"))
    assert detect_format(path) == "html"
    assert [block.text for block in read_document(path).blocks] == seed_paragraphs()


def test_a_page_without_main_content_is_refused_in_one_line(tmp_path):
    path = write(tmp_path, page("<div class='share'><a href='#'>Partager</a></div>"))
    with pytest.raises(DataError) as error:
        read_document(path)
    message = str(error.value)
    assert message.startswith(f"{path}: no main content found") and "\n" not in message


def test_a_page_of_menus_and_footer_only_is_refused(tmp_path):
    """What a single-page app saves: its menu, an empty mount point and the footer."""
    path = write(tmp_path, '<!DOCTYPE html><html lang="fr"><head><title>Accueil</title><script>var x = 1;</script>'
                           '</head><body><nav><a href="/">Accueil</a> <a href="/contact">Contact</a></nav>'
                           '<div id="app"></div><footer>Ministère des Affaires étrangères</footer></body></html>')
    with pytest.raises(DataError, match="no main content found"):
        read_document(path)


def test_an_empty_page_is_refused_in_one_line(tmp_path):
    path = write(tmp_path, "<!DOCTYPE html><html><head><title>x</title></head><body></body></html>")
    with pytest.raises(DataError, match="no main content found"):
        read_document(path)


def test_billion_laughs_xhtml_is_refused_without_expanding(tmp_path):
    lol = "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    text = (f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY lol0 "lol">{lol}]>'
            '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&lol9;</p></body></html>')
    path = write(tmp_path, text, "bomb.xhtml")
    assert detect_format(path) == "html"
    with pytest.raises(DataError, match="declares XML entities"):
        read_document(path)


@pytest.mark.parametrize("start, expected", [
    ("<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
    ("\ufeff  <!-- saved from url=(0042)https://www.diplomatie.gouv.fr/ -->\n<html lang='fr'><p>x</p></html>", "html"),
    ('<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "html"),
    ("Un texte qui parle de la balise <html> au milieu d’une phrase.\n", "text"),
])
def test_html_is_recognised_by_content_not_by_name(tmp_path, start, expected):
    assert detect_format(write(tmp_path, start, "document.txt")) == expected


def test_an_xhtml_page_with_an_encoding_declaration_is_read(tmp_path):
    text = seed_page().replace("<!DOCTYPE html>", '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>', 1)
    document = read_document(write(tmp_path, text, "page.xhtml"))
    assert document.blocks[0].kind == "title" and len(document.blocks) == len(seed_paragraphs())


@pytest.mark.parametrize("chrome", [
    "Partager", "Partager sur Facebook", "Share this article", "Facebook Twitter LinkedIn E-mail", "Imprimer",
    "Télécharger le PDF", "À lire aussi", "À lire aussi : La France et l’Allemagne signent un accord",
    "Related Coverage", "Explore further", "Latest on: Astronomy",
    "Nous utilisons des cookies pour vous offrir la meilleure expérience. Accepter Refuser",
    "We use cookies to improve your experience on our site. Manage settings",
    "Inscrivez-vous à notre newsletter pour recevoir l’essentiel de l’actualité.",
    "Sign up for the Nature Briefing newsletter — what matters in science, free to your inbox daily.",
    "I agree my information will be processed in accordance with the Privacy Policy.",
    "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *",
    "Par Jean Dupont", "By Steve Gorman", "By J. R. Smith and Anna Lee", "Par la Direction de la communication",
    "Mots-clés : Corée du Nord, Russie, Ukraine", "Topics: Astronomy, Telescopes", "Publié le 5 novembre 2024 à 14h30", "Mis à jour le 06/11/2024",
    "November 5, 2024", "2024/11/5", "Le 9 janvier 2024 – Ottawa (Ontario) – Affaires mondiales Canada", "4 Min Read", "Lecture : 3 min", "Photo : AFP", "Photograph: Guy Smallman/Getty Images",
    "Image illustrative : Lots of Lego Minifigures by Ninja Brick, en licence Creative Commons by",
    "© 2024 Reuters. All Rights Reserved.", "Mentions légales", "Our Standards: The Thomson Reuters Trust Principles.",
    "You are using a browser version with limited support for CSS.", "Feedback to editors", "Publicité",
])
def test_chrome_rules_drop_general_chrome(chrome):
    assert chrome_rule(chrome) is not None


@pytest.mark.parametrize("content", [
    "Partager les responsabilités entre les États membres reste la priorité du Conseil européen.",
    "Par ailleurs, nous condamnons ces transferts d’armes.",
    "By 2030, the agency expects to double its budget.",
    "By Tuesday the talks had collapsed.",
    "Le 9 janvier 2024, les ministres ont adopté une déclaration commune à Ottawa.",
    "On 5 November 2024 - the day of the election - the ministers met in Brussels.",
    "Par la voie diplomatique, les ministres ont transmis leur message.",
    "La CNIL a infligé une amende à Google pour avoir déposé des cookies sans le consentement des internautes, "
    "a indiqué l’autorité.",
    "The court ruled on copyright infringement in the case brought by the publishers.",
    "Google released a new version of its Chrome browser on Tuesday.",
    "Subscribers to the service will pay more from January, the company said.",
    "2 décembre 2019 : Reportage JT 13 heures de France 2",
    "Photographs of the site show damage to the northern wing.",
    "Related research suggests the effect is larger in older patients.",
    "Il a lu aussi le rapport de la commission d’enquête.",
])
def test_chrome_rules_keep_article_text_that_looks_like_chrome(content):
    assert chrome_rule(content) is None


@pytest.mark.skipif(not PAGES.exists(), reason="needs ../shared/data/documents/html")
def test_real_pages_keep_the_article_and_drop_the_chrome():
    """The benchmark's figure (eval/bench_html.py): every expected string kept, every chrome string dropped."""
    expectations = json.loads((PAGES / "expectations.json").read_text(encoding="utf-8"))
    for name, expected in expectations.items():
        document = html_reader.read(str(PAGES / name))
        text = " ".join(document.text.split())
        assert [s for s in expected["with"] if s not in text] == [], name
        assert [s for s in expected["without"] if s in text] == [], name
        assert [block.kind for block in document.blocks].count("title") == 1, name
        assert all(block.locator.get("path", "").startswith("/html/body") for block in document.blocks), name


def english(document) -> dict[int, str]:
    return {block.id: f"English text of block {block.id}, as long as a sentence of the article." for block in document.blocks}


def test_a_translated_page_keeps_everything_but_the_article_text(tmp_path):
    """Written back, read by lxml: each block's element holds its translation; chrome, scripts and
    attributes are as they were; the translated page reads back as the translations."""
    source = write(tmp_path, seed_page())
    document = read_document(source)
    out = tmp_path / "page.en.html"
    html_reader.write(document, english(document), str(out))
    tree = lxml.html.document_fromstring(out.read_bytes()).getroottree()
    for block in document.blocks:
        (element,) = tree.xpath(block.locator["path"])
        assert element.text_content() == english(document)[block.id]
    text = out.read_text(encoding="utf-8")
    for kept in ("SCRIPT-TEXT-MUST-NOT-APPEAR", CHROME["cookie"], CHROME["footer"], 'class="share-button">Partager</a>',
                 '<nav class="main-nav">'):
        assert kept in text
    assert [block.text for block in read_document(out).blocks] == list(english(document).values())


def test_writing_replaces_inline_markup_and_keeps_images_and_nested_blocks(tmp_path):
    article = ("<p>Les ministres ont <em>aussi</em> rappelé les <a href='/r'>résolutions 1718, 1874 et 2270</a> du "
               "Conseil de sécurité, que la RPDC viole ouvertement et de façon répétée.</p>"
               "<p><img src='carte.png' alt='Carte'> La carte montre les sites de lancement connus et les routes "
               "empruntées par les cargaisons.</p>"
               "<ul><li>Les mesures prises sont les suivantes, adoptées à l’unanimité par les ministres :"
               "<ul><li>un gel des avoirs des entités impliquées dans les transferts ;</li>"
               "<li>une interdiction de voyager pour leurs dirigeants.</li></ul></li></ul>")
    document = read_document(write(tmp_path, page(article)))
    out = tmp_path / "out.html"
    html_reader.write(document, english(document), str(out))
    tree = lxml.html.document_fromstring(out.read_bytes())
    paragraphs = tree.xpath("//article/p")
    assert paragraphs[0].text_content() == english(document)[1] and not paragraphs[0].xpath(".//em|.//a")
    assert paragraphs[1].xpath("img/@src") == ["carte.png"]
    outer = tree.xpath("//article/ul[2]/li")[0]
    assert outer.text == english(document)[3]
    assert [li.text for li in outer.xpath("ul/li")] == [english(document)[4], english(document)[5]]


def test_a_legacy_charset_page_is_written_as_utf8(tmp_path):
    text = seed_page().replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    document = read_document(write(tmp_path, text, encoding="cp1252"))
    out = tmp_path / "out.html"
    html_reader.write(document, {}, str(out))
    written = out.read_bytes().decode("utf-8")
    assert '<meta charset="utf-8">' in written and seed_paragraphs()[0] in written


def test_writing_a_page_changed_since_it_was_read_is_refused(tmp_path):
    path = write(tmp_path, seed_page())
    document = read_document(path)
    path.write_text(seed_page().replace("Plusieurs milliers", "Quelques milliers"), encoding="utf-8")
    with pytest.raises(DataError, match="changed since it was read"):
        html_reader.write(document, english(document), str(tmp_path / "out.html"))

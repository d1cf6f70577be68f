"""Site chrome that main-content extractors leave in a web page's text, as phrase rules.

trafilatura finds the article well but lets through some of the page around it: share and
download buttons, "À lire aussi" headers, cookie and newsletter notices, comment forms, bylines,
dates, image credits, legal footers. Each rule below names one such kind of chrome, lists its
phrases in French and English, and says why it is chrome. A rule must match a block's *whole*
text (after whitespace is normalised) and is bounded in length, so a paragraph of an article
that merely mentions cookies or newsletters is never dropped. eval/bench_html.py reports what
each rule removes from the benchmark pages, which rules were written after seeing them, and that
the rules leave about 14,000 lines of article text alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _any(*alternatives: str) -> str:
    """One regular-expression group matching any of ``alternatives`` (themselves patterns)."""
    return "(?:" + "|".join(alternatives) + ")"


_MONTHS = _any(
    r"janv(?:ier)?", r"f[ée]vr(?:ier)?", "mars", r"avr(?:il)?", "mai", "juin", r"juil(?:let)?", r"ao[uû]t",
    r"sept(?:embre)?", r"oct(?:obre)?", r"nov(?:embre)?", r"d[ée]c(?:embre)?", r"jan(?:uary)?", r"feb(?:ruary)?",
    "march", "mar", r"apr(?:il)?", "may", "june?", "july?", r"aug(?:ust)?", r"sep(?:t(?:ember)?)?", "october",
    "november", "december",
) + r"\.?"
_WEEKDAY = _any("lun", "mar", "mer", "jeu", "ven", "sam", "dim", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DATE = rf"(?:{_WEEKDAY}\w*\.?,? )?" + _any(
    rf"\d{{1,2}}(?:er|st|nd|rd|th)? {_MONTHS},? \d{{4}}",  # 5 novembre 2024, 5th November 2024
    rf"{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}",  # November 5, 2024
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}",  # 05/11/2024
    r"\d{4}[/.-]\d{1,2}[/.-]\d{1,2}",  # 2024-11-05, 2024/11/5
)
_TIME = r"(?:,? (?:à|at|-|–)? ?\d{1,2}(?:[:h.]\d{2})?(?: ?(?:am|pm|utc|gmt|cet|cest|et|bst))?)?"
_NAME = r"[A-ZÀ-Ý][\w'’.-]*(?: (?:and|et|&|de|du|des|van|von|le|la|[A-ZÀ-Ý][\w'’.-]*))*"
_SOCIAL = _any(
    "facebook", "twitter", "x", "linkedin", "whatsapp", "messenger", "telegram", "reddit", "pinterest", "instagram",
    "bluesky", "mastodon", "e-?mail", "courriel", "sms",
)
_SEPARATORS = r"[\s:»›>|–-]"


@dataclass(frozen=True)
class ChromeRule:
    name: str
    pattern: re.Pattern[str]
    reason: str


def _rule(name: str, pattern: str, reason: str, *, case_sensitive: bool = False) -> ChromeRule:
    flags = 0 if case_sensitive else re.IGNORECASE
    return ChromeRule(name, re.compile(pattern, flags), reason)


RULES: tuple[ChromeRule, ...] = (
    _rule(
        "share-button",
        "(?:" + _any("partager", "partagez", "share", "imprimer", "print", "tweet(?:er)?", "envoyer", "send",
                     "copier le lien", "copy link", _SOCIAL)
        + "(?: " + _any("sur", "on", "via", "par", "by", "à", "to", "with", "this", "cet", "cette", "l'", "l’", "la", "le",
                        "the", "article", "page", "lien", "link", "story", _SOCIAL) + "){0,3}"
        + r"[\s:!.,|•·/]*){1,8}",
        "share, print and e-mail buttons and social-network links keep their label as text",
    ),
    _rule(
        "download-button",
        _any("t[ée]l[ée]charger", "download", "version pdf", "pdf version", "pdf")
        + "(?: " + _any("le", "la", "les", "l'", "l’", "the", "this", "en", "as", "au format", "format", "pdf", "fichier",
                        "file", "document", "article", "version", "citation", "image") + r")*[\s:.]*",
        "download buttons and PDF links",
    ),
    _rule(
        "see-also",
        _any("(?:à |a )?(?:lire|voir|écouter|regarder) (?:aussi|également|la suite|plus)", "sur le même sujet",
             "dans la même rubrique")
        + f"(?:{_SEPARATORS}+.{{0,80}})?"
        + "|" + _any(
            "(?:nos |les |des )?articles? (?:liés|similaires|connexes|associés|recommandés)", "(?:les )?plus lus",
            "read (?:more|also|next|the full story)", "see (?:also|more)",
            "related(?: (?:articles?|stories|coverage|content|topics|posts?|videos?|links?))?",
            "more (?:stories|on this (?:story|topic)|like this)", r"more from [\w .'’-]{1,40}", "explore further",
            "latest on", "most (?:read|popular|viewed)", "recommended(?: for you| stories| reading)?",
            "you (?:may|might) also (?:like|be interested in)", "vous aimerez aussi",
        )
        + rf"(?:\s*[:»›>|–-]{_SEPARATORS}*.{{0,80}})?[\s.]*",
        "labels of related-article boxes ('À lire aussi', 'Related coverage', 'Latest on: …'), with the short link "
        "text that follows them (after a colon or arrow; French 'À lire aussi' often without one)",
    ),
    _rule(
        "cookie-notice",
        r"(?=.*\b(?:cookies?|traceurs)\b)(?=.*\b" + _any(
            "nous utilisons", "ce site", "notre site", "this (?:web)?site", "we use", "our site", "en poursuivant",
            "by continuing", "accepte[rz]?", "accept", "tout accepter", "refuser", "reject", "param[ée]trer", "manage",
            "gérer", "settings", "préférences", "preferences",
        ) + r"\b).{0,400}",
        "cookie-consent banners: cookies named with the banner's own words (we use, accept, settings), "
        "at most 400 characters",
    ),
    _rule(
        "newsletter-notice",
        r"(?=.*\b" + _any("newsletters?", "lettre d'information", "lettre d’information", "infolettre", "briefing",
                          "inbox", "boîte (?:mail|de réception)") + r"\b)"
        + r"(?=.*\b" + _any("abonnez-vous", "inscrivez-vous", "s'inscrire", "s’inscrire", "abonner", "recevez", "recevoir",
                            "subscribe", "sign up", "get", "receive", "delivered", "daily", "weekly", "free",
                            "gratuite?") + r"\b).{0,300}",
        "newsletter sign-up boxes: a newsletter named together with the call to subscribe, at most 300 characters",
    ),
    _rule(
        "data-consent",
        r"(?=.*\b" + _any("privacy", "confidentialit[ée]", "donn[ée]es personnelles", "personal (?:data|information)",
                          "my information", "mes données") + r"\b)"
        + r"(?=.*\b" + _any("i agree", "j'accepte", "j’accepte", "i consent", "je consens", "i have read", "j'ai lu",
                            "j’ai lu", "en cochant", "by (?:clicking|submitting|signing up)",
                            "en (?:cliquant|soumettant|vous inscrivant)") + r"\b).{0,300}",
        "consent check-boxes under sign-up forms: privacy named in the reader's first person ('I agree my information…')",
    ),
    _rule(
        "comment-form",
        ".{0,40}" + _any(
            "votre adresse (?:e-?mail|de messagerie|de courriel|électronique) ne sera pas publiée",
            "your email address will not be published", "(?:les )?champs obligatoires sont (?:indiqués|marqués)",
            "required fields are marked", "laisser un (?:commentaire|réponse)", "leave a (?:comment|reply)",
            "annuler la réponse", "cancel reply", "post(?:er)? (?:a |un )?comment(?:aire)?",
            "publier (?:le|un) commentaire",
        ) + ".{0,160}"
        + "|(?:\\d+ )?" + _any("commentaires?", "comments?", "réagir", "réagissez", "répondre", "reply", "signaler",
                               "report") + r"[\s:.()\d]*",
        "comment forms and comment counters (comments themselves are left out by the extractor)",
    ),
    _rule(
        "byline",
        _any("[Pp]ar", "[Bb]y", "BY", "PAR", "[ÉEé]crit par", "[Ww]ritten by", "[Pp]osted by", "[Pp]ublié par",
             "[Pp]ropos recueillis par", "[Rr]eporting by")
        + r"\s+(?:(?:la|le|les|l'|l’|the) )?[A-ZÀ-Ý](?:\.|[\w'’-]*)(?:\s+(?:[A-ZÀ-Ý]\.|&|[\w'’-]+)){0,6}"
        + rf"(?:\s*[,|•·–-]\s*(?:{_NAME}|{_DATE}{_TIME}))?\s*",
        "bylines: 'Par'/'By' and a name or a service of at most seven words, without a sentence's closing stop",
        case_sensitive=True,
    ),
    _rule(
        "tag-list",
        _any("mots[- ]clés", "tags?", "thèmes?", "topics?", "keywords?", "catégories?", "categories", "rubriques?",
             "sujets?") + r"\s*:.{0,150}",
        "tag and category lists under articles ('Mots-clés : …', 'Topics: …')",
    ),
    _rule(
        "date-line",
        "(?:" + _any("publié", "mis à jour", "modifié", "actualisé", "posted", "published", "updated", "last updated",
                     "first published", "date") + r"(?: le| on| at)?\s*:?\s*)?"
        + rf"{_DATE}{_TIME}(?:\s*[|•·–-]\s*(?:mis à jour|updated|modifié|actualisé)\b.{{0,40}})?\s*"
        + rf"|(?:le|on) {_DATE}(?:\s+[|•·–—-]\s+[^.!?|•·–—]{{1,60}}){{1,2}}",
        "date and time stamps of publication or update standing alone, and datelines "
        "('Le 9 janvier 2024 – Ottawa (Ontario) – Affaires mondiales Canada')",
    ),
    _rule(
        "reading-time",
        _any(r"(?:temps de )?lecture\s*:?\s*\d+ ?(?:min\w*|mn)",
             r"(?:reading time\s*:?\s*)?\d+ ?(?:min\w*|mn) (?:read|de lecture|lecture)",
             r"reading time\s*:?\s*.{0,20}") + r"\.?",
        "reading-time badges ('4 Min Read', 'Lecture : 3 min')",
    ),
    _rule(
        "image-credit",
        _any("image", "photo", "illustration", "cr[ée]dits?(?: photo)?", "credits?", "photograph", "picture", "visuel",
             "infographie")
        + "s?(?: " + _any("d'illustration", "illustrative", "d’illustration", "de une", "de couverture", "en une")
        + r")?\s*:.{0,200}",
        "image captions' credit lines ('Photo : AFP', 'Image illustrative : … en licence Creative Commons')",
    ),
    _rule(
        "legal-footer",
        ".{0,40}" + _any("©", r"\(c\) ?\d{4}", r"copyright (?:©|\d{4})", "all rights reserved", "tous droits réservés")
        + ".{0,120}|" + _any(
            "mentions légales", "legal notice", "terms (?:of (?:use|service)|and conditions)",
            "conditions générales(?: d'utilisation)?", "politique de confidentialité", "privacy policy",
            "cookie policy", "our (?:editorial )?standards", "nos engagements",
            "charte (?:éditoriale|de déontologie)",
        ) + r"(?:[\s:|•·]+.{0,60})?",
        "copyright lines, legal links and editorial-standards badges of the page footer",
    ),
    _rule(
        "browser-notice",
        r"(?=.*\b" + _any("you are using", "vous utilisez", "your browser", "votre navigateur", "enable javascript",
                          "activer javascript", "activez javascript", "javascript is disabled",
                          "javascript est désactivé") + r"\b).{0,300}",
        "outdated-browser and enable-JavaScript notices, which address the reader's browser",
    ),
    _rule(
        "navigation-label",
        _any("accueil", "home", "menu", "rechercher", "recherche", "search", "suivant", "précédent", "next",
             "previous", "prev", "retour(?: en haut)?", "back to top", "haut de page", "aller au contenu",
             "skip to (?:main )?content", "fermer", "close", "connexion", "se connecter", "log ?in", "sign in",
             "s'abonner", "s’abonner", "abonnement", "subscribe", "advertisement", "publicité", "sponsored",
             "contenu sponsorisé", "annonce", "ad")
        + r"[\s:»›>«‹<|.]*",
        "navigation, log-in and advertisement labels",
    ),
    _rule(
        "feedback-link",
        _any("(?:send |give )?feedback(?: to (?:the )?editors?)?", "signaler (?:une erreur|un abus|une faute)",
             "report (?:an? )?(?:error|typo|mistake)", "corriger", "suggest a correction",
             "contact(?:ez)?[- ](?:us|nous|la rédaction|the editors?)")
        + r"[\s:.!]*",
        "feedback and error-report links at the end of articles",
    ),
)


def _normalise(text: str) -> str:
    return " ".join(text.split())


def chrome_rule(text: str) -> ChromeRule | None:
    """The first rule whose pattern matches the whole of ``text``, or None for content."""
    normalised = _normalise(text)
    for rule in RULES:
        if rule.pattern.fullmatch(normalised):
            return rule
    return None

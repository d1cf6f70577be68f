"""Negation rules read off the dev references (issue 28 item 5, negation-lost precision and
recall): each rule keeps a faithful rendering unflagged and, next to it, a lost negation flagged."""

import pytest

from align.negation import french_negations, negation_lost

SEED_SOURCE = (
    "Un soutien direct de ce pays à la guerre d’agression menée par la Russie contre l’Ukraine, attesterait non seulement "
    "des efforts désespérés de la Russie pour compenser ses pertes mais représenterait aussi une extension dangereuse du "
    "conflit."
)


@pytest.mark.parametrize(
    "faithful",
    [
        # the seed statement's own reference
        "The DPRK's direct support for Russia's war of aggression against Ukraine, besides showing Russia's desperate "
        "efforts to compensate its losses, would mark a dangerous expansion of the conflict.",
        "In addition to showing Russia's desperate efforts to compensate its losses, it would mark a dangerous expansion.",
        "It would show Russia's desperate efforts to compensate its losses as well as mark a dangerous expansion.",
        "It would show Russia's desperate efforts to compensate its losses and would also mark a dangerous expansion.",
        "It would both show Russia's desperate efforts to compensate its losses and mark a dangerous expansion.",
        "It would not only show Russia's desperate efforts to compensate its losses but also mark a dangerous expansion.",
    ],
)
def test_an_additive_construction_renders_non_seulement(faithful):
    assert not negation_lost(SEED_SOURCE, faithful)


@pytest.mark.parametrize(
    "unfaithful",
    [
        # "not only … but also" with its "not" removed
        "It would only show Russia's desperate efforts to compensate its losses but also mark a dangerous expansion.",
        "It would just show Russia's desperate efforts to compensate its losses, but it would also mark a dangerous expansion.",
        # no addition at all
        "It would show Russia's desperate efforts to compensate its losses and mark a dangerous expansion.",
    ],
)
def test_non_seulement_rendered_as_only_or_nothing_is_still_flagged(unfaithful):
    assert negation_lost(SEED_SOURCE, unfaithful)


def test_ne_pas_seulement_is_rendered_by_an_addition_too():
    source = "L'expérience ne dépend pas seulement de la largeur des sièges."
    assert not negation_lost(source, "The experience depends on more than the width of a seat.")
    assert negation_lost(source, "The experience only depends on the width of a seat, but also on the legroom.")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # an elided expletive "ne" after "avant que", "à moins que"; "sans que … ne"; "empêcher que",
        # "craindre que … ne"
        ("Il a égalisé avant que Nielsen n'inscrive deux buts.", 0),
        ("Il a égalisé avant que Nielsen n'ait pu inscrire le moindre but, pas même un penalty.", 1),
        ("Elles ne dépensent pas à moins qu'elles n'envisagent de prendre des mesures.", 1),
        ("Les baux ont été renouvelés sans qu'il n'y ait d'appel d'offres.", 1),
        ("Elles s'efforcent d'empêcher que d'autres ne s'ôtent la vie.", 0),
        ("Il craignait que le comité ne « s'effondre ».", 0),
        ("Il craignait que le comité ne s'effondre pas.", 1),
        # "que" after a "ne" governed by a negative subject is a conjunction, not "ne … que"
        ("Rien n'indique que les États-Unis aient transmis des secrets.", 1),
        ("Personne ne pense que ce soit grave.", 1),
        ("Il n'indique que les chiffres.", 0),
        # "ne … que" across commas
        ("Cette opportunité ne se présenterait, par contre, que si je réussis.", 0),
        ("Cette opportunité ne se présenterait pas, par contre, si je réussis.", 1),
        # "rien qu'" elided (just), "n'importe" (any) takes no "que"
        ("Rien qu'en 2011, la commission a autorisé 774 systèmes.", 0),
        ("Il ne vient pas et fait n'importe quoi pour que ça marche.", 1),
        # a negative question asking why keeps its negation; a yes/no one need not
        ("Pourquoi ne voulaient-ils pas que le FBI enquête ?", 1),
        ("Ne voulaient-ils pas que le FBI enquête ?", 0),
        # two negations that cancel
        ("Je ne peux pas ne pas être optimiste.", 0),
        ("Ces restrictions ne sont pas sans conséquence.", 0),
        ("Il n'est pas impossible que cela arrive.", 0),
        ("Il n'est pas possible que cela arrive.", 1),
        ("Ces restrictions sont sans conséquence.", 1),
        # "jamais" after a superlative or a subjunctive is "ever"
        ("C'est le pire langage corporel que j'aie jamais vu.", 0),
        ("C'est le semestre le plus apocalyptique que je n'ai jamais connu.", 0),
        ("C'est la mission la plus difficile jamais entreprise.", 0),
        ("Il est l'un des quatre joueurs à avoir jamais atteint ce score.", 0),
        ("C'est un record jamais atteint.", 1),
        ("Il est le seul à n'avoir jamais gagné.", 1),
        # "pas" after a number or "chaque" is a step
        ("Il habite à deux pas de l'Arc de Triomphe.", 0),
        ("Il s'arrête à chaque pas.", 0),
        ("Pas de chance pour lui.", 1),
        # nouns and adjectives made with "sans"
        ("L'argent aidera les sans-abri.", 0),
        ("Il a eu un accident sans gravité.", 0),
        ("Il a eu un accident sans blessé.", 1),
        # "ou non" (whether), "il n'empêche" (even so), "non ?" closing a question
        ("Les membres se demandent si l'appareil présente ou non un risque.", 0),
        ("Il y a un risque ou pas de risque.", 1),
        ("Il n'empêche, son projet est né à Aubervilliers.", 0),
        ("Cela n'empêche pas son projet.", 1),
        ("Plus personne ne va dans ces bibliothèques, non ?", 1),
        ("« Non », a répondu M. Tripodi.", 0),
        # "plus qu'aucun" is "more than any"
        ("Il a fait plus qu'aucun autre président.", 0),
        ("Il a dit qu'aucun soldat n'était mort.", 1),
        # "et non" is a negation of its own after "ne"; so is "ne" after a subject of its own
        ("La violence n'est rien d'autre qu'un hasard, et non le signe d'une escalade.", 2),
        ("Ils ne peuvent pas être utilisés et nous n'avons pas l'intention de changer cela.", 2),
        ("Il ne mourra pas et ne partira pas en retraite.", 1),
        # words that negate by their meaning, beside a "ne" of their clause
        ("Il ignorait qu'il avait obtenu la distinction.", 1),
        ("Ils se préparent à une absence totale d'accord.", 1),
        ("On ne peut pas capter ces données à leur insu.", 2),
        ("Elle ne peut pas excuser l'impossibilité de concevoir un site.", 2),
    ],
)
def test_french_negations_counted_as_english_says_them(source, expected):
    assert french_negations(source) == expected


@pytest.mark.parametrize(
    ("source", "faithful", "unfaithful"),
    [
        # English words that negate: "nonpartisan", "ineligible", "insufficient", "unpopular",
        # "yet to", "failure", "denied", "ignore"
        ("C'est un analyste politique non partisan.", "He is a nonpartisan political analyst.",
         "He is a partisan political analyst."),
        ("Les personnes jugées non éligibles seront expulsées.", "Those deemed ineligible will be deported.",
         "Those deemed eligible will be deported."),
        ("Le revenu familial ne suffit pas.", "The family income is insufficient.", "The family income is sufficient."),
        ("Chequers n'est pas apprécié du grand public.", "Chequers is unpopular with the general public.",
         "Chequers is popular with the general public."),
        ("C'est un mystère que je ne suis pas encore arrivé à élucider.", "It's a mystery I have yet to solve.",
         "It's a mystery I have solved."),
        ("S'il ne le faisait pas, il serait arrêté.", "Failure to do so would make him liable to arrest.",
         "Doing so would make him liable to arrest."),
        ("Vous n'avez pas pu voir l'événement principal.", "You were denied watching the main event.",
         "You were allowed to watch the main event."),
        ("Un porte-parole n'a pas souhaité commenter.", "A spokesman declined to comment.",
         "A spokesman wished to comment."),
        ("Un porte-parole a refusé de commenter, il ne viendra pas.", "A spokesman declined to comment; he will not come.",
         "A spokesman declined to comment; he will come."),
        ("Nous ignorons ce qu'ils vont trouver.", "We don't know what they will find.", "We do know what they will find."),
        ("Ils ignorent les avertissements.", "They ignore the warnings.", "They heed the warnings."),
        # "denial" renders "négation", which is no negation of the sentence
        ("Sa négation ne semble pas être bien reçue.", "Her denial did not appear to sit well.",
         "Her denial did appear to sit well."),
        # "instead" alone renders "mais" and negates nothing; "instead of" does
        ("Le président n'a pas évoqué le témoignage, mais il a dit que les gens étaient méchants.",
         "The president did not address the testimony, instead saying that people were mean.",
         "The president did address the testimony, instead saying that people were mean."),
        ("Il n'a pas couru, il a marché.", "He walked instead of running.", "He walked and ran."),
        # "unfortunately" negates nothing
        ("Il n'existe malheureusement pas de recette miracle.", "Unfortunately, there is no miracle recipe.",
         "Unfortunately, there is some miracle recipe."),
        # "pas … avant" is "not … until"; "tant que … ne … pas" is "until"
        ("Elle ne sera pas en service avant l'année prochaine.", "It will not be in service until next year.",
         "It will be in service until next year."),
        ("Il n'y aura pas de soutien tant qu'un accord ne sera pas conclu.", "There will be no aid until there is a deal.",
         "There will be aid when there is a deal."),
        # "sans-abri" is "homeless" or "rough sleepers"
        ("Les entreprises qui ne paient pas d'impôts aideront les sans-abri.",
         "Firms not paying tax will help rough sleepers.", "Firms paying tax will help the homeless."),
        # "sans problèmes" negates nothing, nor does the "without" that renders it
        ("Si tout fonctionnait sans problèmes, je ne serais candidat nulle part.",
         "If everything worked without problems, I would not be running anywhere.",
         "If everything worked without problems, I would be running anywhere."),
        # "peu charismatique" is "uncharismatic"
        ("Le candidat peu charismatique ne parle pas.", "The uncharismatic candidate does not speak.",
         "The uncharismatic candidate does speak."),
        # "or not" negates nothing, as "ou non" does not
        ("Il ne sait pas s'il le prendra ou non.", "He does not know whether or not he will take it.",
         "He does know whether or not he will take it."),
        # "No," answering, as "Non," does
        ("Avons-nous divulgué des informations... Non, nous n'avons pas divulgué d'informations.",
         "Did we leak...No, we didn't leak.", "Did we leak...No, we did leak."),
        # "sans doute" said with "doubt" needs its "no"
        ("Ce serait sans doute la finale la plus spectaculaire.", "It would no doubt be the most dramatic finale.",
         "It would some doubt be the most dramatic finale."),
        # litotes: "pas grand-chose" / "little", "n'a pas hésité" / "was quick", "n'allait pas" / "wrong"
        ("La crise n'a pas grand-chose à voir avec les déficits.", "The crisis has little to do with deficits.",
         "The crisis has a lot to do with deficits."),
        ("Le tribunal n'a pas hésité à dénoncer le couple.", "The court has been quick to denounce the couple.",
         "The court has been slow to denounce the couple."),
        ("Il se rendait compte que quelque chose n'allait pas.", "He knew something was wrong.", "He knew something was right."),
    ],
)
def test_english_renderings_of_french_negations(source, faithful, unfaithful):
    assert not negation_lost(source, faithful)
    assert negation_lost(source, unfaithful)


@pytest.mark.parametrize(
    ("source", "faithful"),
    [
        ("Il faut déterminer si on devrait le passer ou non.", "You need to determine whether to take it."),
        ("Ce serait sans doute la finale la plus spectaculaire.", "It would probably be the most dramatic finale."),
        ("Ce serait sans doute la finale la plus spectaculaire.", "It would undoubtedly be the most dramatic finale."),
        ("Il a eu un accident sans gravité.", "He was in a minor accident."),
        ("Il a eu un accident sans gravité.", "He was in an accident without serious consequences."),
        ("C'est une décadence sans précédent.", "It is an unprecedented decadence."),
    ],
)
def test_faithful_renderings_are_not_flagged(source, faithful):
    assert not negation_lost(source, faithful)


@pytest.mark.parametrize(
    ("source", "faithful", "unfaithful"),
    [
        # litotes English says by the opposite word: "n'a pas survécu" / "succumbed", "ne facilite
        # pas" / "makes difficult", "n'a pas bougé" / "stayed", "ne s'attendait pas" / "surprise",
        # "qui ne le connaissaient pas" / "strangers", "n'a pas dérogé" / "kept", "pas terminée" /
        # "continues", "non urgent" / "elective", "non négligeable" / "significant"
        ("L'homme n'a pas survécu à ses blessures.", "The man succumbed to his injuries.", "The man survived his injuries."),
        ("Ça ne facilite pas les choses.", "This makes things difficult.", "This makes things easy."),
        ("Elle n'a pas bougé.", "She stayed there.", "She moved away."),
        ("Elle n'a pas bougé, elle était gelée.", "She froze, frozen solid.", "She did move, she was frozen solid."),
        ("Il a dit qu'il « ne [s']attendait pas » à tomber amoureux.", 'He said falling in love "caught me by surprise."',
         'He said he "expected" to fall in love.'),
        ("Des gens qui ne le connaissaient pas l'ont applaudi.", "Complete strangers applauded him.",
         "People who knew him applauded him."),
        ("Obama n'a pas dérogé à la tradition.", "Obama kept to the tradition.", "Obama broke with the tradition."),
        ("La lutte pour le pouvoir n'est pas terminée.", "The contest for power will continue.",
         "The contest for power is over."),
        ("Il finance les opérations non urgentes.", "It funds elective surgery.", "It funds emergency surgery."),
        ("Le coût est non négligeable.", "The cost is significant.", "The cost is negligible."),
    ],
)
def test_litotes_rendered_by_an_opposite(source, faithful, unfaithful):
    assert not negation_lost(source, faithful)
    assert negation_lost(source, unfaithful)


@pytest.mark.parametrize(
    ("source", "faithful", "unfaithful"),
    [
        # adjectives made with "sans" that English says with or without a negation
        ("Il y a des cliniques sans rendez-vous à Hobart.", "There are walk-in clinics in Hobart.", None),
        ("Il a été libéralisé sans scrupules.", "It was ruthlessly liberalised.", None),
        ("Son passé est sans tache.", "His past is clean.", None),
        ("Il est sans emploi.", "He is unemployed.", None),
        # …but "sans" before another noun is still a negation
        ("Il est parti sans argent.", "He left without money.", "He left with money."),
    ],
)
def test_nouns_and_adjectives_made_with_sans(source, faithful, unfaithful):
    assert not negation_lost(source, faithful)
    if unfaithful:
        assert negation_lost(source, unfaithful)


@pytest.mark.parametrize(
    ("source", "faithful", "unfaithful"),
    [
        # English words that negate by their meaning: "oblivious" (sans se soucier), "stay away
        # from" / "refrain from" (ne pas s'impliquer)
        ("Elle monta dans l'avion, sans se soucier de l'épreuve qu'elle traversait.",
         "She boarded the plane, oblivious to the ordeal she was going through.",
         "She boarded the plane, mindful of the ordeal she was going through."),
        ("Ils ont appelé les États-Unis à ne pas s'impliquer dans la politique énergétique européenne.",
         "They called on the US to stay away from the EU energy policy.",
         "They called on the US to stay in the EU energy policy."),
        ("Ils ont appelé les États-Unis à ne pas s'impliquer dans la politique énergétique européenne.",
         "They called on the US to refrain from meddling in EU energy policy.",
         "They called on the US to go on meddling in EU energy policy."),
        # …but "refrain" the noun negates nothing
        ("Il ne chante pas le refrain.", "He does not sing the refrain.", "He sings the refrain."),
        # "regardless of" / "sans considérer" (UD PUD line 750), "carefree" / "ne se soucie de rien"
        ("Le traité a divisé le territoire, sans considérer sa composition ethnique.",
         "The treaty partitioned the territory, regardless of its ethnic composition.",
         "The treaty partitioned the territory, in view of its ethnic composition."),
        ("Il joue un jeune garçon qui ne se soucie de rien.", "He plays a carefree young man.", "He plays a careful young man."),
        # …but "regardless" at a clause's end is "anyway"
        ("Il n'a pas payé, mais il est parti.", "He did not pay, but left regardless.", "He paid, but left regardless."),
        # "ne pas manquer de" and a verb is "be sure to", "make a point of" (Candide: "Les voyageurs
        # ne manquèrent pas de ramasser l'or"); the sentence's other negation still counts…
        ("Il n'a pas manqué de souligner le problème, mais il n'a rien proposé.",
         "He made a point of stressing the problem, but proposed nothing.",
         "He made a point of stressing the problem, and proposed something."),
        # …and "ne pas manquer de" and a noun is "not lack"
        ("Il ne manque pas de courage.", "He does not lack courage.", "He has courage."),
        # "pas très" / "less", "ne peut pas en être autrement" / "must"
        ("Ce n'est pas très fréquent là-bas.", "It is less common there.", "It is very common there."),
        ("Il est au courant, il ne peut pas en être autrement.", "He knows, he must do.", "He knows, he may do."),
    ],
)
def test_english_words_that_negate_by_meaning_and_more_litotes(source, faithful, unfaithful):
    assert not negation_lost(source, faithful)
    assert negation_lost(source, unfaithful)


@pytest.mark.parametrize(
    ("source", "faithful", "unfaithful"),
    [
        # "Non" answering a question inside quotation marks, and a tag question
        ("« Tu es fatigué ? » « Non, je peux continuer. »", '"Are you tired?" "No, I can keep going."', None),
        ("« Tu es fatigué ? » « Non, je ne peux pas continuer. »", '"Are you tired?" "No, I can\'t go on."',
         '"Are you tired?" "No, I can go on."'),
        ("Ce n'est pas cher, pas vrai ?", "That's cheap, isn't it?", "That's cheap, is it?"),
        # "jamais" in a question, a condition or a comparison is "ever"
        ("Avez-vous jamais été amoureuse ?", "Have you ever been in love?", None),
        ("Il pleurerait s'il voyait jamais notre site.", "He would cry if he ever saw our site.", None),
        ("Tu es plus malin que je ne l'ai jamais été.", "You're smarter than I ever was.", None),
        ("Tu es malin, je ne l'ai jamais été.", "You're smart, I never was.", "You're smart, I ever was."),
        # "toute personne" is anyone, so its "ne … que" is "only"
        ("Toute personne ne pouvant envisager qu'une seule manière manque d'imagination.",
         "Anyone who can only think of one way lacks imagination.", None),
        # the expletive "ne" right after a comparison's "que", and after "je crains que"
        ("Il fut davantage surpris que ne l'attendais.", "He was more surprised than I had expected.", None),
        ("Je crains que vous ne soyez descendue au mauvais endroit.", "I'm afraid you got off at the wrong place.", None),
        # idioms: "sans délai", "sans issue", "sans risque", "ne fait pas de doute", "pas à pas",
        # "pas plus tard que", "au grand jamais", "ne voilà-t-il pas", "ça ne vous dérange pas si"
        ("Partez sans délai !", "Go right away!", None),
        ("C'est une voie sans issue.", "This is a dead-end street.", None),
        ("Peut-on boire cette eau sans risque ?", "Is it safe to drink this water?", None),
        ("C'est du mauvais temps, ça ne fait pas de doute.", "It's bad weather, to be sure.", None),
        ("Il ne fait aucun doute qu'il viendra.", "There is no doubt he will come.", "There is doubt he will come."),
        ("Vous devez avancer pas à pas.", "You must advance step by step.", None),
        ("Tu étais ici pas plus tard qu'hier.", "You were here just yesterday.", None),
        ("Je ne boirai plus jamais, au grand jamais.", "I will never, ever drink again.", "I will ever, ever drink again."),
        ("Ne voilà-t-il pas que ça resurgit !", "Here it comes again!", None),
        ("Ça ne vous dérange pas si je pose une question ?", "Is it okay if I ask a question?", None),
        ("Ça ne me dérange pas.", "I don't mind.", "I do mind."),
        # "n'oubliez pas de" is "be sure to"
        ("N'oubliez pas de consulter cet article.", "Be sure to check out this article.", "Be careful to check out this article."),
    ],
)
def test_negations_of_short_everyday_sentences(source, faithful, unfaithful):
    # found on Tatoeba's short sentences, each still flagged where the English drops a real "not"
    assert not negation_lost(source, faithful)
    if unfaithful is not None:
        assert negation_lost(source, unfaithful)


def test_a_tokenised_english_contraction_is_a_negation():
    # corpora tokenised for MT write "didn 't"
    assert not negation_lost("Ils ne purent en croire leurs yeux .", "They couldn 't believe their eyes .")
    assert negation_lost("Ils ne purent en croire leurs yeux .", "They could believe their eyes .")


def test_si_ce_n_est_is_except_and_a_tokenised_negative_question_is_a_question():
    assert not negation_lost("Ils ne virent rien, si ce n'est un fort remous.", "They saw nothing except a strong eddy.")
    assert negation_lost("Ils ne virent rien, si ce n'est un fort remous.", "They saw everything except a strong eddy.")
    assert not negation_lost("Celle -ci n’est -elle pas plus grande ?", "Is this one larger ?")
    assert negation_lost("Celle -ci n’est pas plus grande .", "This one is larger .")

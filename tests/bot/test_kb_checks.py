"""Every message staff can get from `python -m bot check`, asserted whole: file, line, problem and fix."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.errors import KnowledgeError
from bot.kb.validate import find_problems, find_warnings, load_checked

TODAY = date(2026, 11, 22)
VISA = "faq/visa.yml"
FEES = "faq/fees.yml"
VISA_META = "    checked: 2026-11-01\n    related: [fee_a]"


def problems_after_edit(root: Path, file: str, old: str, new: str) -> list[str]:
    path = root / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))
    return [str(p) for p in find_problems(root, TODAY)[1]]


def test_valid_knowledge_loads_without_problems(knowledge_dir: Path) -> None:
    knowledge = load_checked(knowledge_dir, TODAY)
    assert sorted(knowledge.entries) == ["fee_a", "visa_b"]
    assert [t.id for t in knowledge.topics] == ["fees", "visa"]
    assert knowledge.entries["visa_b"].related == ("fee_a",)
    assert knowledge.entries["fee_a"].checked == date(2026, 11, 1)


def test_load_checked_raises_with_every_problem(knowledge_dir: Path) -> None:
    (knowledge_dir / "glossary.yml").unlink()
    with pytest.raises(KnowledgeError) as raised:
        load_checked(knowledge_dir, TODAY)
    assert str(raised.value) == ("knowledge/glossary.yml:1: the file is missing. Create it with a 'terms:' list. "
                                 "Copy the layout of the example in knowledge/README.md.")


CASES = [
    pytest.param(VISA, "    question: What is visa_b?", "    question: 'What is visa_b?", [
        "knowledge/faq/visa.yml:6: a quote opened on this line is never closed. "
        "Check the indentation, dashes and quotes on this line and the line above.",
    ], id="unclosed-quote"),
    pytest.param(VISA, "    question: What is visa_b?\n", "    question: What is visa_b?\n  bad indent: x\n", [
        "knowledge/faq/visa.yml:7: the file is not valid YAML (expected <block end>, but found '?'). "
        "Check the indentation, dashes and quotes on this line and the line above.",
    ], id="bad-indentation"),
    pytest.param(VISA, "    answer: |\n      It takes 4 to 6 weeks.\n", "", [
        "knowledge/faq/visa.yml:5: entry 'visa_b' has no 'answer'. "
        "Add 'answer:' followed by the answer text (use 'answer: |' and indent the text below).",
    ], id="missing-answer"),
    pytest.param(VISA, "      It takes 4 to 6 weeks.\n", "      Yes. It takes 4 to 6 weeks.\n", [
        "knowledge/faq/visa.yml:20: entry 'visa_b' opens with a bare 'Yes'. Start with a sentence that restates "
        "what it answers, e.g. 'ECFMG Certification does not guarantee a residency position: ...', so the answer "
        "cannot be read as a reply to another question.",
    ], id="bare-yes-opener"),
    pytest.param(VISA, "      It takes 4 to 6 weeks.\n", "      No, not usually. It takes 4 to 6 weeks.\n", [
        "knowledge/faq/visa.yml:20: entry 'visa_b' opens with a bare 'No'. Start with a sentence that restates "
        "what it answers, e.g. 'ECFMG Certification does not guarantee a residency position: ...', so the answer "
        "cannot be read as a reply to another question.",
    ], id="bare-no-opener"),
    pytest.param(VISA, "      It takes 4 to 6 weeks.\n", "      No official source gives it; 4 to 6 weeks.\n", [],
                 id="no-as-a-word-is-fine"),
    pytest.param(VISA, "      It takes 4 to 6 weeks.\n", "      Not confirmed. It takes 4 to 6 weeks.\n", [
        "knowledge/faq/visa.yml:20: entry 'visa_b' opens with the fragment 'Not confirmed.'. Make the first sentence "
        "a full statement that restates what it answers, so it stands alone, e.g. 'Only a Pathway-based "
        "certificate can expire: ...'.",
    ], id="fragment-opener"),
    pytest.param(VISA, "      It takes 4 to 6 weeks.\n", "      Once you are ECFMG certified. It takes 4 to 6 weeks.\n", [
        "knowledge/faq/visa.yml:20: entry 'visa_b' opens with the fragment 'Once you are ECFMG certified.'. Make the "
        "first sentence a full statement that restates what it answers, so it stands alone, e.g. 'Only a "
        "Pathway-based certificate can expire: ...'.",
    ], id="qualifier-fragment-opener"),
    pytest.param(VISA, "      It takes 4 to 6 weeks.\n", "      The U.S. review by ECFMG takes 4 to 6 weeks.\n", [],
                 id="abbreviation-is-not-a-sentence-end"),
    pytest.param(VISA, "      It takes 4 to 6 weeks.\n",
                 "      ECFMG's review takes 4 to 6 weeks, which our sources give.\n", [
        "knowledge/faq/visa.yml:20: entry 'visa_b' uses the internal wording 'our sources'. Say what is and is not "
        "officially published, and where to check, e.g. 'ECFMG has not published the 2027 dates yet; see "
        "ecfmg.org/news'.",
    ], id="internal-wording"),
    pytest.param(VISA, "    checked: 2026-11-01", "    facts_as_of: 2023-13\n    checked: 2026-11-01", [
        "knowledge/faq/visa.yml:24: 'facts_as_of' is '2023-13', not a year or a month. Write the date the facts "
        "were valid as YYYY or YYYY-MM, e.g. 2023-08, as the fact sheet gives it.",
    ], id="facts-as-of-not-a-date"),
    pytest.param(VISA, "    checked: 2026-11-01", "    facts_as_of: 2027-01\n    checked: 2026-11-01", [
        "knowledge/faq/visa.yml:24: entry 'visa_b' has 'facts_as_of' 2027-01, which is in the future. Use the "
        "date the fact sheet gives for the facts in this answer.",
    ], id="facts-as-of-in-the-future"),
    pytest.param(VISA, "      - https://www.ecfmg.org/fees/\n", "      - https://www.ecfmg.org/news/page/40/\n", [
        "knowledge/faq/visa.yml:22: entry 'visa_b' has the source 'https://www.ecfmg.org/news/page/40/', which is a "
        "search-result or paginated list page, whose content changes. Link the article or page that carries the "
        "fact itself.",
    ], id="paginated-list-source"),
    pytest.param(VISA, "      - https://www.ecfmg.org/fees/\n", "      - https://www.usmle.org/search?q=fees\n", [
        "knowledge/faq/visa.yml:22: entry 'visa_b' has the source 'https://www.usmle.org/search?q=fees', which is a "
        "search-result or paginated list page, whose content changes. Link the article or page that carries the "
        "fact itself.",
    ], id="search-result-source"),
    pytest.param(VISA, "      - https://www.ecfmg.org/fees/\n", "      - https://gp.ecfmg.org/focus/issue88.html\n", [
        "knowledge/faq/visa.yml:22: entry 'visa_b' has the source 'https://gp.ecfmg.org/focus/issue88.html', which is "
        "on 'gp.ecfmg.org', a copy of ecfmg.org pages that is not kept up to date. Use the same page on "
        "https://www.ecfmg.org/focus/issue88.html, or the official page that carries the fact.",
    ], id="mirror-host-source"),
    pytest.param(FEES, "    sources:\n      - https://www.ecfmg.org/fees/\n",
                 "    sources:\n      - https://www.ecfmg.org/fees/refunds.html\n", [
        "knowledge/faq/fees.yml:22: entry 'fee_a' uses the figure '{fee_application}' but does not list its source. "
        "Add 'https://www.ecfmg.org/fees/' under 'sources:' (the page knowledge/figures.yml gives for that figure).",
    ], id="figure-source-not-cited"),
    pytest.param(VISA, "    answer: |\n      It takes 4 to 6 weeks.\n", "    answer: ''\n", [
        "knowledge/faq/visa.yml:20: entry 'visa_b' has an empty 'answer'. Write the answer after 'answer:'.",
    ], id="empty-answer"),
    pytest.param(VISA, "  - id: visa_b", "  - id: fee_a", [
        "knowledge/faq/fees.yml:25: entry 'fee_a' lists the related entry 'visa_b', which does not exist. "
        "Correct it (use an id from knowledge/faq/) or remove it.",
        "knowledge/faq/visa.yml:1: 'start_with' names 'visa_b', which is not an entry in this file. "
        "Use the id of one of the entries below.",
        "knowledge/faq/visa.yml:5: id 'fee_a' is already used at knowledge/faq/fees.yml:5. "
        "Pick a new id, e.g. 'fee_a_2'.",
    ], id="duplicate-id"),
    pytest.param(VISA, "  - id: visa_b", "  - id: Visa B", [
        "knowledge/faq/fees.yml:25: entry 'fee_a' lists the related entry 'visa_b', which does not exist. "
        "Correct it (use an id from knowledge/faq/) or remove it.",
        "knowledge/faq/visa.yml:1: 'start_with' names 'visa_b', which is not an entry in this file. "
        "Use the id of one of the entries below.",
        "knowledge/faq/visa.yml:5: 'id' is 'Visa B', which is not a valid id. "
        "Use lowercase letters, digits and underscores, e.g. 'visa_b'.",
    ], id="invalid-id"),
    pytest.param(VISA, "      - how long is the j1 processing time 0\n      - how long is the j1 processing time 1\n", "", [
        "knowledge/faq/visa.yml:7: entry 'visa_b' has 10 phrasings under 'also_asked'; at least 12 are needed. "
        "Add 2 more ways users ask this question.",
    ], id="too-few-phrasings"),
    pytest.param(VISA, "      - how long is the j1 processing time 1\n", "      - How long is the J1 processing time 0?\n", [
        "knowledge/faq/visa.yml:9: entry 'visa_b' lists the phrasing 'How long is the J1 processing time 0?' twice. "
        "Remove one of them.",
    ], id="phrasing-twice-in-entry"),
    pytest.param(VISA, "      - how long is the j1 processing time 1\n", "      - How much is the ECFMG application fee 3?\n", [
        "knowledge/faq/visa.yml:9: the phrasing 'How much is the ECFMG application fee 3?' of entry 'visa_b' is also "
        "used by entry 'fee_a' (knowledge/faq/fees.yml:11). Keep it under the one entry it belongs to.",
    ], id="phrasing-in-two-entries"),
    pytest.param(VISA, "It takes 4 to 6 weeks.", "It takes " + "very " * 118 + "long.", [
        "knowledge/faq/visa.yml:20: entry 'visa_b' has an answer of 121 words; the limit is 120. "
        "Shorten it, or move the detail into a related entry.",
    ], id="answer-too-long"),
    pytest.param(FEES, "{fee_application}", "{fee_aplication}", [
        "knowledge/faq/fees.yml:20: entry 'fee_a' uses the figure '{fee_aplication}', which is not in "
        "knowledge/figures.yml. Did you mean '{fee_application}'? Use a name from knowledge/figures.yml, "
        "or add the figure there.",
    ], id="unknown-figure"),
    pytest.param(FEES, "{fee_application}", "{fee_application} {oops", [
        "knowledge/faq/fees.yml:20: entry 'fee_a' has a '{' or '}' that is not part of a figure name. "
        "Write figures as {name} with a name from knowledge/figures.yml, or remove the brace.",
    ], id="stray-brace"),
    pytest.param(FEES, "[the fee page](https://www.ecfmg.org/fees/)", "[the fee page](https://www.ecfmg.org/fees/", [
        "knowledge/faq/fees.yml:20: entry 'fee_a' has a broken link '[the fee page](https://www.ecfmg.org/fees/.'. "
        "Write links as [text shown](https://address) with no spaces inside the brackets.",
    ], id="broken-link"),
    pytest.param(FEES, "[the fee page](https://www.ecfmg.org/fees/)", "[the fee page](http://www.ecfmg.org/fees/)", [
        "knowledge/faq/fees.yml:20: entry 'fee_a' links 'the fee page' to 'http://www.ecfmg.org/fees/', which is "
        "not a secure https address. Write it as 'https://www.ecfmg.org/fees/'.",
    ], id="http-link"),
    pytest.param(VISA, "      - https://www.ecfmg.org/fees/\n" + VISA_META, "      - www.ecfmg.org/fees\n" + VISA_META, [
        "knowledge/faq/visa.yml:22: entry 'visa_b' has the source 'www.ecfmg.org/fees', which is not an https "
        "web address. Write the full official address, starting with https://.",
    ], id="source-not-url"),
    pytest.param(VISA, VISA_META, VISA_META.replace("2026-11-01", "2026-13-01"), [
        "knowledge/faq/visa.yml:24: 'checked' is '2026-13-01', not a date. Use YYYY-MM-DD, e.g. 2026-11-01.",
    ], id="impossible-date"),
    pytest.param(VISA, VISA_META, VISA_META.replace("2026-11-01", "2027-01-05"), [
        "knowledge/faq/visa.yml:24: entry 'visa_b' has 'checked' 2027-01-05, which is in the future. "
        "Use the date you last checked the answer against its sources (today or earlier).",
    ], id="future-date"),
    pytest.param(VISA, "related: [fee_a]", "related: [fee_aa]", [
        "knowledge/faq/visa.yml:25: entry 'visa_b' lists the related entry 'fee_aa', which does not exist. "
        "Correct it (did you mean 'fee_a') or remove it.",
    ], id="unknown-related"),
    pytest.param(VISA, "related: [fee_a]", "related: [visa_b]", [
        "knowledge/faq/visa.yml:25: entry 'visa_b' lists itself under 'related'. Remove its own id from 'related'.",
    ], id="related-to-itself"),
    pytest.param(VISA, "start_with: visa_b", "start_with: visa_c", [
        "knowledge/faq/visa.yml:1: 'start_with' names 'visa_c', which is not an entry in this file. "
        "Use the id of one of the entries below.",
    ], id="unknown-start-with"),
    pytest.param(VISA, "    question: What is visa_b?\n", "    question: What is visa_b?\n    anwser: hi\n", [
        "knowledge/faq/visa.yml:7: entry 'visa_b' has an unknown field 'anwser'. Remove it or correct the "
        "spelling; the fields are: id, question, also_asked, answer, sources, facts_as_of, checked, owner, related.",
    ], id="unknown-field"),
    pytest.param(VISA, "    also_asked:\n      - how long is the j1 processing time 0\n",
                 "    also_asked: how long\n    extra:\n      - how long is the j1 processing time 0\n", [
        "knowledge/faq/visa.yml:7: entry 'visa_b': 'also_asked' must be a list. "
        "Put each phrasing on its own line starting with '- ', under 'also_asked:'.",
        "knowledge/faq/visa.yml:8: entry 'visa_b' has an unknown field 'extra'. Remove it or correct the "
        "spelling; the fields are: id, question, also_asked, answer, sources, facts_as_of, checked, owner, related.",
    ], id="phrasings-not-a-list"),
    pytest.param(VISA, "topic: visa\n", "", [
        "knowledge/faq/visa.yml:1: the topic file has no 'topic'. Add 'topic:' with the topic id, e.g. 'topic: fees'.",
    ], id="missing-topic"),
    pytest.param(VISA, "topic: visa\n", "topic: fees\n", [
        "knowledge/faq/visa.yml:1: the topic 'fees' is already used by knowledge/faq/fees.yml. "
        "Give each topic file its own topic id.",
    ], id="duplicate-topic"),
    pytest.param("figures.yml", "    value: US$160\n", "", [
        "knowledge/figures.yml:2: figure 'fee_application' has no 'value'. "
        "Add 'value:' with the figure as users should read it, e.g. 'value: US$220'.",
    ], id="figure-without-value"),
    pytest.param("figures.yml", "    checked: 2026-11-01\n", "    checked: 2026-11-31\n", [
        "knowledge/figures.yml:7: 'checked' is '2026-11-31', not a date. Use YYYY-MM-DD, e.g. 2026-11-01.",
    ], id="figure-bad-date"),
    pytest.param("glossary.yml", "    label: exam\n", "    label: exams\n", [
        "knowledge/glossary.yml:2: term 'step2ck' has the label 'exams'. "
        "Use one of: document, exam, organization, portal, program, term, visa.",
    ], id="glossary-label"),
    pytest.param("glossary.yml", "    variants: [step 2 ck, ck]\n",
                 "    variants: [step 2 ck, ck]\n  - id: ck_other\n    label: exam\n    name: Other\n    variants: [ck]\n", [
        "knowledge/glossary.yml:6: the variant 'ck' of term 'ck_other' is also a variant of 'step2ck'. "
        "Keep it under one term only.",
    ], id="glossary-variant-twice"),
]


SOURCE = "      - https://www.ecfmg.org/fees/\n" + VISA_META
KEEP_ONE = ("Keep the question under the one entry it belongs to, or reword it so it clearly asks "
            "something different.")

# The publish gate: what must be true before an entry may reach users.
PUBLISH_GATE_CASES = [
    pytest.param(VISA, "    owner: Fees desk\n", "", [
        "knowledge/faq/visa.yml:5: entry 'visa_b' has no 'owner'. Add 'owner:' with the team or role who "
        "keeps this answer right, e.g. 'owner: Fees desk'.",
    ], id="missing-owner"),
    pytest.param(VISA, "    owner: Fees desk\n", "    owner: ''\n", [
        "knowledge/faq/visa.yml:26: entry 'visa_b' has an empty 'owner'. Write the owner after 'owner:'.",
    ], id="empty-owner"),
    pytest.param(VISA, "    checked: 2026-11-01\n", "", [
        "knowledge/faq/visa.yml:5: entry 'visa_b' has no 'checked'. Add 'checked:' with the date you checked it, "
        "e.g. 2026-11-01.",
    ], id="missing-checked"),
    pytest.param(VISA, "    sources:\n      - https://www.ecfmg.org/fees/\n", "    sources: []\n", [
        "knowledge/faq/visa.yml:22: entry 'visa_b' has no official source. Add under 'sources:' the official "
        "https address(es) the answer is based on.",
    ], id="no-source"),
    pytest.param(VISA, SOURCE, SOURCE.replace("www.ecfmg.org", "www.ecmfg.org"), [
        "knowledge/faq/visa.yml:22: entry 'visa_b' has the source 'https://www.ecmfg.org/fees/', whose site "
        "'www.ecmfg.org' is not an official site. Did you mean 'https://www.ecfmg.org/fees/'? Correct the address.",
    ], id="source-typo-swapped-letters"),
    pytest.param(VISA, SOURCE, SOURCE.replace("https://www.ecfmg.org", "https://ecfmg.or"), [
        "knowledge/faq/visa.yml:22: entry 'visa_b' has the source 'https://ecfmg.or/fees/', whose site "
        "'ecfmg.or' is not an official site. Did you mean 'https://ecfmg.org/fees/'? Correct the address.",
    ], id="source-typo-cut-short"),
    pytest.param(VISA, SOURCE, SOURCE.replace("https://www.ecfmg.org", "http://www.ecfmg.com"), [
        "knowledge/faq/visa.yml:22: entry 'visa_b' has the source 'http://www.ecfmg.com/fees/', whose site "
        "'www.ecfmg.com' is not an official site. Did you mean 'https://www.ecfmg.org/fees/'? Correct the address.",
    ], id="source-http-and-wrong-ending"),
    pytest.param(VISA, SOURCE, SOURCE.replace("https://www.ecfmg.org/fees/", "https://www.img-forum.net/ecfmg"), [
        "knowledge/faq/visa.yml:22: entry 'visa_b' has the source 'https://www.img-forum.net/ecfmg', whose site "
        "'www.img-forum.net' is not on the list of official sites in knowledge/sources.yml. Use a page on an "
        "official site; if 'img-forum.net' is official, add it to knowledge/sources.yml.",
    ], id="source-not-official"),
    pytest.param(VISA, SOURCE, SOURCE.replace("https://www.ecfmg.org", "http://www.ecfmg.org"), [
        "knowledge/faq/visa.yml:22: entry 'visa_b' has the source 'http://www.ecfmg.org/fees/', which is not a "
        "secure https address. Write it as 'https://www.ecfmg.org/fees/'.",
    ], id="source-http"),
    pytest.param(VISA, SOURCE, SOURCE.replace("https://www.ecfmg.org/fees/", "https://travel.state.gov/visas"), [
    ], id="source-on-official-subdomain"),
    pytest.param(FEES, "(https://www.ecfmg.org/fees/)", "(https://www.ecfmg.com/fees/)", [
        "knowledge/faq/fees.yml:20: entry 'fee_a' links 'the fee page' to 'https://www.ecfmg.com/fees/', whose "
        "site 'www.ecfmg.com' is not an official site. Did you mean 'https://www.ecfmg.org/fees/'? Correct the address.",
    ], id="answer-link-typo"),
    pytest.param(FEES, "[the fee page](https://www.ecfmg.org/fees/)", "[](https://www.ecfmg.org/fees/)", [
        "knowledge/faq/fees.yml:20: entry 'fee_a' has a broken link '[](https://www.ecfmg.org/fees/)'. "
        "Write links as [text shown](https://address) with no spaces inside the brackets.",
    ], id="answer-link-without-text"),
    pytest.param(FEES, "[the fee page](https://www.ecfmg.org/fees/)", "[the fee page]()", [
        "knowledge/faq/fees.yml:20: entry 'fee_a' has a broken link '[the fee page]()'. "
        "Write links as [text shown](https://address) with no spaces inside the brackets.",
    ], id="answer-link-without-address"),
    pytest.param("figures.yml", "    source: https://www.ecfmg.org/fees/", "    source: https://www.usmle.orgg/fees/", [
        "knowledge/figures.yml:2: figure 'fee_application' has the source 'https://www.usmle.orgg/fees/', whose "
        "site 'www.usmle.orgg' is not an official site. Did you mean 'https://www.usmle.org/fees/'? Correct the address.",
    ], id="figure-source-typo"),
    pytest.param(VISA, "      - how long is the j1 processing time 1\n", "      - How much is ECFMG application fee 3\n", [
        "knowledge/faq/visa.yml:9: the phrasing 'How much is ECFMG application fee 3' of entry 'visa_b' is nearly "
        "the same as 'how much is the ecfmg application fee 3' of entry 'fee_a' (knowledge/faq/fees.yml:11); they "
        "differ only in 'the'. " + KEEP_ONE,
    ], id="near-identical-phrasing-filler-word"),
    pytest.param(VISA, "      - how long is the j1 processing time 1\n", "      - how much is the ecfmg aplication fee 3\n", [
        "knowledge/faq/visa.yml:9: the phrasing 'how much is the ecfmg aplication fee 3' of entry 'visa_b' is "
        "nearly the same as 'how much is the ecfmg application fee 3' of entry 'fee_a' (knowledge/faq/fees.yml:11); "
        "they differ only in the spelling of 'aplication' / 'application'. " + KEEP_ONE,
    ], id="near-identical-phrasing-typo"),
    pytest.param(VISA, "    question: What is visa_b?", "    question: What is the fee_a?", [
        "knowledge/faq/visa.yml:6: the phrasing 'What is the fee_a?' of entry 'visa_b' is nearly the same as "
        "'What is fee_a?' of entry 'fee_a' (knowledge/faq/fees.yml:6); they differ only in 'the'. " + KEEP_ONE,
    ], id="near-identical-question"),
    pytest.param(VISA, "      - how long is the j1 processing time 1\n", "      - how much is the ecfmg application fee 13\n",
                 [], id="phrasings-differing-in-a-number-are-different-questions"),
    pytest.param("review.yml", "  fees: 3\n", "  feez: 3\n", [
        "knowledge/review.yml:3: the review interval 'feez' is not a topic. Use a topic id from knowledge/faq/ "
        "(fees, visa), 'figures' or 'default'.",
    ], id="review-interval-unknown-topic"),
    pytest.param("review.yml", "  fees: 3\n", "  fees: three\n", [
        "knowledge/review.yml:3: the review interval for 'fees' is 'three'. Write a whole number of months, e.g. 6.",
    ], id="review-interval-not-a-number"),
    pytest.param("review.yml", "  default: 6\n", "", [
        "knowledge/review.yml:1: there is no 'default' review interval. Add 'default: 6' under "
        "'review_every_months:' (months; topics may override it).",
    ], id="review-interval-no-default"),
    pytest.param("sources.yml", "  - usmle.org\n", "  - https://www.usmle.org/\n", [
        "knowledge/sources.yml:3: 'https://www.usmle.org/' is not a site name. Write only the site, without "
        "https:// or a path, e.g. 'ecfmg.org'.",
    ], id="official-site-written-as-address"),
    pytest.param("sources.yml", "official_sites:", "official_site:", [
        "knowledge/sources.yml:1: the file must hold 'official_sites:'. Start the file with 'official_sites:' "
        "followed by one site per line, e.g. '  - ecfmg.org'.",
    ], id="official-sites-misspelt"),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"), PUBLISH_GATE_CASES)
def test_publish_gate_message(knowledge_dir: Path, file: str, old: str, new: str, expected: list[str]) -> None:
    assert problems_after_edit(knowledge_dir, file, old, new) == expected


def test_missing_sources_file_is_reported_and_links_are_still_checked_for_https(knowledge_dir: Path) -> None:
    (knowledge_dir / "sources.yml").unlink()
    assert problems_after_edit(knowledge_dir, FEES, "https://www.ecfmg.org/fees/)", "http://www.ecfmg.org/fees/)") == [
        "knowledge/faq/fees.yml:20: entry 'fee_a' links 'the fee page' to 'http://www.ecfmg.org/fees/', which is "
        "not a secure https address. Write it as 'https://www.ecfmg.org/fees/'.",
        "knowledge/sources.yml:1: the file is missing. Create it with 'official_sites:' followed by one site per "
        "line, e.g. '  - ecfmg.org'. See knowledge/README.md.",
    ]


def test_entries_and_figures_past_their_review_interval_are_warnings(knowledge_dir: Path) -> None:
    problems_after_edit(knowledge_dir, VISA, VISA_META, VISA_META.replace("2026-11-01", "2026-05-21"))
    problems_after_edit(knowledge_dir, FEES, "    checked: 2026-11-01", "    checked: 2026-08-21")
    problems = problems_after_edit(knowledge_dir, "figures.yml", "checked: 2026-11-01", "checked: 2026-08-21")
    assert problems == []
    knowledge = load_checked(knowledge_dir, TODAY)
    assert [str(w) for w in find_warnings(knowledge, TODAY)] == [
        "knowledge/faq/fees.yml:24: entry 'fee_a' was last checked on 2026-08-21, more than 3 months ago "
        "(review interval 'fees' in knowledge/review.yml). Fees desk: check the answer against its sources, then "
        "set 'checked' to that day.",
        "knowledge/faq/visa.yml:24: entry 'visa_b' was last checked on 2026-05-21, more than 6 months ago "
        "(review interval 'default' in knowledge/review.yml). Fees desk: check the answer against its sources, "
        "then set 'checked' to that day.",
        "knowledge/figures.yml:2: figure 'fee_application' was last checked on 2026-08-21, more than 3 months ago "
        "(review interval 'figures' in knowledge/review.yml). Check the value against its source, then set "
        "'checked' to that day.",
    ]
    assert find_warnings(knowledge, date(2026, 11, 21)) == []  # due on the day itself, not before


def test_facts_older_than_the_review_interval_are_listed_even_after_a_recent_review(knowledge_dir: Path) -> None:
    problems_after_edit(knowledge_dir, VISA, VISA_META, VISA_META.replace(
        "    checked: 2026-11-01", "    facts_as_of: 2026-04\n    checked: 2026-11-01"))
    knowledge = load_checked(knowledge_dir, TODAY)
    assert [str(w) for w in find_warnings(knowledge, TODAY)] == [
        "knowledge/faq/visa.yml:24: entry 'visa_b' states facts as of April 2026, more than 6 months ago "
        "(review interval 'default' in knowledge/review.yml). Fees desk: compare the answer with the current "
        "official pages, then update the answer and 'facts_as_of'.",
    ]
    assert find_warnings(knowledge, date(2026, 10, 30)) == []  # April counts to its last day: due on 30 October


@pytest.mark.parametrize(("file", "old", "new", "expected"), CASES)
def test_problem_message(knowledge_dir: Path, file: str, old: str, new: str, expected: list[str]) -> None:
    assert problems_after_edit(knowledge_dir, file, old, new) == expected


def test_a_long_sentence_in_more_than_two_answers_is_boilerplate(knowledge_dir: Path) -> None:
    notice = "Fees change often, so always check the official fee page before you pay."
    third = (knowledge_dir / VISA).read_text().replace("  - id: visa_b", "  - id: visa_c").replace(
        "What is visa_b?", "Which form is needed for the sevis payment?").replace("j1 processing time", "sevis fee amount")
    (knowledge_dir / "faq" / "more.yml").write_text(third.replace("topic: visa", "topic: more").replace(
        "start_with: visa_b", "start_with: visa_c"))
    for file in (VISA, FEES, "faq/more.yml"):
        path = knowledge_dir / file
        path.write_text(path.read_text().replace("    answer: |\n", f"    answer: |\n      {notice}\n", 1))
    problems = [str(p) for p in find_problems(knowledge_dir, TODAY)[1]]
    assert len(problems) == 1
    assert "repeats a sentence found in 3 answers" in problems[0]


def test_every_problem_is_reported_in_one_run(knowledge_dir: Path) -> None:
    problems_after_edit(knowledge_dir, VISA, "related: [fee_a]", "related: [visa_b]")
    problems = problems_after_edit(knowledge_dir, FEES, "{fee_application}", "{nope}")
    assert len(problems) == 2
    assert problems[0].startswith("knowledge/faq/fees.yml:20: ")
    assert problems[1].startswith("knowledge/faq/visa.yml:25: ")


def test_no_topic_files(knowledge_dir: Path) -> None:
    for path in (knowledge_dir / "faq").glob("*.yml"):
        path.unlink()
    assert [str(p) for p in find_problems(knowledge_dir, TODAY)[1]] == [
        "knowledge/faq:1: there are no topic files (*.yml) here. "
        "Add at least one topic file, e.g. knowledge/faq/fees.yml."
    ]

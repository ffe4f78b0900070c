"""The course checker's messages in the educator's language.

The checker (``lms.content``) is a library without Flask and writes its messages in English,
as ``flask lms check-courses`` prints them. Rather than thread gettext through the pipeline,
each message *template* is matched here and its translated template filled with the same
values (file names, keys and quoted text stay as written: they are what the educator typed).
A message no template matches (a check added later) is shown in English, marked
``lang="en"`` so screen readers switch voice; adding its template here translates it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _


def N_(message: str) -> str:  # named as gettext tools expect
    """Marks a msgid for ``pybabel extract`` without translating it yet."""
    return message


@dataclass(frozen=True)
class Plural:
    """A message with a count: translated with ``ngettext(singular, plural, <count>)``,
    the count being the pattern's group ``count``."""

    singular: str
    plural: str
    count: str


def Nn_(singular: str, plural: str, count: str) -> Plural:
    """Marks a plural msgid for ``pybabel extract`` (``-k Nn_:1,2`` in the Makefile)."""
    return Plural(singular, plural, count)


_Q = r"'(?P<{}>[^']*)'"  # a quoted value as the checker writes it

# (English pattern, msgid with the pattern's group names). Order matters: first match wins.
_TEMPLATES: list[tuple[str, str | Plural]] = [
    (
        r"course folder name " + _Q.format("slug") + r" must be .*",
        N_(
            "course folder name '%(slug)s' must be lower-case letters, digits and hyphens "
            "(not at the start or end)"
        ),
    ),
    (
        r"the course has no modules \(NN-slug\.md files\)",
        N_("the course has no modules (NN-slug.md files)"),
    ),
    (
        r"missing course\.md \(the course's front matter\)",
        N_("missing course.md (the course's front matter)"),
    ),
    (
        _Q.format("lang") + r" is not a language of the app \(en or sv\)",
        N_("'%(lang)s' is not a language of the app (en or sv)"),
    ),
    (
        r"a translation into " + _Q.format("lang") + r", the language of the course itself",
        N_("a translation into '%(lang)s', the language of the course itself"),
    ),
    (
        r"translation of (?P<name>\S+), which does not exist",
        N_("translation of %(name)s, which does not exist"),
    ),
    (
        r"the course description must say that the SmPC and local procedures take precedence "
        r"over the course \(a sentence with 'SmPC' and 'precedence'\)",
        N_(
            "the course description must say that the SmPC and local procedures take "
            "precedence over the course (a sentence with 'SmPC' and 'precedence')"
        ),
    ),
    (
        r"the Swedish course description must say that the SmPC and local procedures take "
        r"precedence over the course \(a sentence with 'produktresumén' and 'företräde'\)",
        N_(
            "the Swedish course description must say that the SmPC and local procedures take "
            "precedence over the course (a sentence with 'produktresumén' and 'företräde')"
        ),
    ),
    (
        r"the SVG picture has scripts, event handlers or external links",
        N_("the SVG picture has scripts, event handlers or external links"),
    ),
    (
        r"module number (?P<n>\d+) is also used by (?P<name>\S+)",
        N_("module number %(n)s is also used by %(name)s"),
    ),
    (
        r"quiz number (?P<n>\d+) is also used by (?P<name>\S+)",
        N_("quiz number %(n)s is also used by %(name)s"),
    ),
    (
        r"module slug " + _Q.format("slug") + r" is also used by (?P<name>\S+)",
        N_("module slug '%(slug)s' is also used by %(name)s"),
    ),
    (
        r"quiz slug " + _Q.format("slug") + r" is also used by (?P<name>\S+)",
        N_("quiz slug '%(slug)s' is also used by %(name)s"),
    ),
    (
        _Q.format("slug") + r" cannot be a module slug \((?P<reserved>[^)]*) are reserved\)",
        N_("'%(slug)s' cannot be a module slug (%(reserved)s are reserved)"),
    ),
    (
        r"the file is not UTF-8 text \(save it as UTF-8\)",
        N_("the file is not UTF-8 text (save it as UTF-8)"),
    ),
    (
        r"not a picture file \((?P<formats>[^)]*)\) in images/",
        N_("not a picture file (%(formats)s) in images/"),
    ),
    (
        r"unrecognised file name " + _Q.format("name") + r" \(expected .*\)",
        N_(
            "unrecognised file name '%(name)s' (expected course.md, NN-slug.md, NN-slug.quiz.md "
            "or a translation such as NN-slug.sv.md)"
        ),
    ),
    (
        r"no front matter: start the file with YAML between '---' lines",
        N_("no front matter: start the file with YAML between '---' lines"),
    ),
    (
        r"front matter is not valid YAML: (?P<detail>.*)",
        N_("front matter is not valid YAML: %(detail)s"),
    ),
    (r"front matter must be 'key: value' lines", N_("front matter must be 'key: value' lines")),
    (
        r"unknown key " + _Q.format("key") + r" \(a course has (?P<allowed>.*)\)",
        N_("unknown key '%(key)s' (course.md has %(allowed)s)"),
    ),
    (
        r"unknown key " + _Q.format("key") + r" \(a course translation has (?P<allowed>.*)\)",
        N_("unknown key '%(key)s' (a course translation has %(allowed)s)"),
    ),
    (
        r"unknown key " + _Q.format("key") + r" \(a module has (?P<allowed>.*)\)",
        N_("unknown key '%(key)s' (a module has %(allowed)s)"),
    ),
    (
        r"unknown key " + _Q.format("key") + r" \(a module translation has (?P<allowed>.*)\)",
        N_("unknown key '%(key)s' (a module translation has %(allowed)s)"),
    ),
    (
        r"unknown key " + _Q.format("key") + r" \(a quiz has (?P<allowed>.*)\)",
        N_("unknown key '%(key)s' (a quiz has %(allowed)s)"),
    ),
    (
        r"unknown key " + _Q.format("key") + r" \(a quiz translation has (?P<allowed>.*)\)",
        N_("unknown key '%(key)s' (a quiz translation has %(allowed)s)"),
    ),
    (r"missing required key " + _Q.format("key"), N_("missing required key '%(key)s'")),
    (_Q.format("key") + r" is given twice", N_("'%(key)s' is given twice")),
    (
        _Q.format("key") + r" cannot be read: (?P<detail>.*)",
        N_("'%(key)s' cannot be read: %(detail)s"),
    ),
    (
        _Q.format("key") + r" must be text \(put it in quotes\)",
        N_("'%(key)s' must be text (put it in quotes)"),
    ),
    (_Q.format("key") + r" must not be empty", N_("'%(key)s' must not be empty")),
    (
        _Q.format("key") + r" must be a whole number greater than 0",
        N_("'%(key)s' must be a whole number greater than 0"),
    ),
    (
        _Q.format("key") + r" must be a whole number from 0 to 100",
        N_("'%(key)s' must be a whole number from 0 to 100"),
    ),
    (_Q.format("key") + r" must be true or false", N_("'%(key)s' must be true or false")),
    (
        _Q.format("key") + r" must be one of (?P<options>.*)",
        N_("'%(key)s' must be one of %(options)s"),
    ),
    (
        _Q.format("key") + r" must be a semantic version MAJOR\.MINOR\.PATCH, such as 1\.0\.0",
        N_("'%(key)s' must be a semantic version MAJOR.MINOR.PATCH, such as 1.0.0"),
    ),
    (
        _Q.format("key") + r" must be a list of e-mail addresses",
        N_("'%(key)s' must be a list of e-mail addresses"),
    ),
    (
        _Q.format("key") + r" must be a list of (?P<options>.*)",
        N_("'%(key)s' must be a list of %(options)s"),
    ),
    (_Q.format("key") + r" lists (?P<value>.*) twice", N_("'%(key)s' lists %(value)s twice")),
    (
        _Q.format("key") + r" has an unknown audience (?P<value>.*) \(use (?P<options>.*)\)",
        N_("'%(key)s' has an unknown audience %(value)s (use %(options)s)"),
    ),
    (
        _Q.format("key") + r" has (?P<value>.*), which is not an e-mail address",
        N_("'%(key)s' has %(value)s, which is not an e-mail address"),
    ),
    (
        r"'audiences' has " + _Q.format("value") + r", which is not an audience of the course",
        N_("'audiences' has '%(value)s', which is not an audience of the course"),
    ),
    (
        r"'enrolment_key' is only used with 'enrolment: key'",
        N_("'enrolment_key' is only used with 'enrolment: key'"),
    ),
    (
        r"'questions_per_attempt' is (?P<n>\d+) but the quiz has only (?P<m>\d+) questions?",
        Nn_(
            "'questions_per_attempt' is %(n)s but the quiz has only %(m)s question",
            "'questions_per_attempt' is %(n)s but the quiz has only %(m)s questions",
            "m",
        ),
    ),
    (
        r"question (?P<n>\d+) has an empty '## ' heading",
        N_("question %(n)s has an empty '## ' heading"),
    ),
    (
        r"text before the first '## ' question heading",
        N_("text before the first '## ' question heading"),
    ),
    (
        r"the quiz has no questions \('## ' headings\)",
        N_("the quiz has no questions ('## ' headings)"),
    ),
    (
        r"text after the explanation of question (?P<n>\d+)",
        N_("text after the explanation of question %(n)s"),
    ),
    (
        r"question (?P<n>\d+): a choice must be written '- \[ \] \.\.\.' or '- \[x\] \.\.\.'",
        N_("question %(n)s: a choice must be written '- [ ] ...' or '- [x] ...'"),
    ),
    (
        r"text after the choices of question (?P<n>\d+): only a block quote .*",
        N_(
            "text after the choices of question %(n)s: only a block quote (the explanation) "
            "may follow them"
        ),
    ),
    (
        r"question (?P<n>\d+) has no choices \('- \[ \] \.\.\.' lines\)",
        N_("question %(n)s has no choices ('- [ ] ...' lines)"),
    ),
    (
        r"question (?P<n>\d+) needs at least two choices",
        N_("question %(n)s needs at least two choices"),
    ),
    (
        r"question (?P<n>\d+) has no correct choice \(mark it '- \[x\]'\)",
        N_("question %(n)s has no correct choice (mark it '- [x]')"),
    ),
    (r"question (?P<n>\d+) has an empty choice", N_("question %(n)s has an empty choice")),
    (
        r"question (?P<n>\d+) has the choice " + _Q.format("text") + r" twice",
        N_("question %(n)s has the choice '%(text)s' twice"),
    ),
    (
        r"the translation has (?P<n>\d+) questions?, (?P<name>\S+) has (?P<m>\d+)",
        Nn_(
            "the translation has %(n)s question, %(name)s has %(m)s",
            "the translation has %(n)s questions, %(name)s has %(m)s",
            "n",
        ),
    ),
    (
        r"question (?P<n>\d+) has (?P<a>\d+) choices?, in (?P<name>\S+) it has (?P<b>\d+)",
        Nn_(
            "question %(n)s has %(a)s choice, in %(name)s it has %(b)s",
            "question %(n)s has %(a)s choices, in %(name)s it has %(b)s",
            "a",
        ),
    ),
    (
        r"question (?P<n>\d+) has other correct choices than in (?P<name>\S+)",
        N_("question %(n)s has other correct choices than in %(name)s"),
    ),
    (
        r"link " + _Q.format("href") + r" must use https:// or mailto:",
        N_("link '%(href)s' must use https:// or mailto:"),
    ),
    (
        r"link " + _Q.format("href") + r" must use https:// to leave the site",
        N_("link '%(href)s' must use https:// to leave the site"),
    ),
    (
        r"broken link "
        + _Q.format("href")
        + r": no module or quiz file "
        + _Q.format("target")
        + r" in this course",
        N_("broken link '%(href)s': no module or quiz file '%(target)s' in this course"),
    ),
    (
        r"picture " + _Q.format("src") + r" needs alternative text: .*",
        N_("picture '%(src)s' needs alternative text: ![what it shows](%(src)s)"),
    ),
    (
        r"picture "
        + _Q.format("src")
        + r" must be a file in the course folder, such as images/x\.png",
        N_("picture '%(src)s' must be a file in the course folder, such as images/x.png"),
    ),
    (
        r"picture " + _Q.format("src") + r" is outside the course folder",
        N_("picture '%(src)s' is outside the course folder"),
    ),
    (
        r"picture " + _Q.format("src") + r" is not a picture file \((?P<formats>[^)]*)\)",
        N_("picture '%(src)s' is not a picture file (%(formats)s)"),
    ),
    (
        r"picture "
        + _Q.format("src")
        + r" not found: no file "
        + _Q.format("path")
        + r" in this course",
        N_("picture '%(src)s' not found: no file '%(path)s' in this course"),
    ),
]
_COMPILED = [(re.compile(f"^{pattern}$", re.S), msgid) for pattern, msgid in _TEMPLATES]


@dataclass(frozen=True)
class Shown:
    """A message as the page shows it; ``lang`` is set when it stayed in another language."""

    text: str
    lang: str | None = None


def translate(message: str) -> Shown:
    """The checker's ``message`` in the current UI language (English messages pass as they
    are); an unknown message stays English with ``lang="en"``."""
    if str(get_locale()) == "en":
        return Shown(message)
    for pattern, msgid in _COMPILED:
        match = pattern.match(message)
        if match:
            values = match.groupdict()
            if isinstance(msgid, Plural):
                count = int(values[msgid.count])
                return Shown(ngettext(msgid.singular, msgid.plural, count, **values))
            return Shown(_(msgid, **values))
    return Shown(message, lang="en")

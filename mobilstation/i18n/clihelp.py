"""The command line's own words in the run's language: its help texts and those of click and Typer.

Help texts are fixed when the commands are defined, before any argument is
read, so each one is given as a catalogue id (:func:`h`) and filled in again
in the chosen language when the command line starts (:class:`LocalizedGroup`).
The language comes from ``--lang`` anywhere on the command line (read before
click parses it, so ``mobilstation plan --help --lang en`` is English too),
else ``MOBILSTATION_LANG``, else Danish.

Typer takes its own words (``Options``, ``Arguments``, ``[default: ...]``)
from :func:`gettext.gettext`, bound in each of its modules; :func:`install`
binds a lookup in :data:`CLICK_WORDS` there instead, and sets Typer's panel
titles. (The click copy inside Typer writes a few words in English only,
``Usage:`` and its parse errors among them.)
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from mobilstation.i18n import LANGUAGES, catalogue, language, normalise, t, using

#: Help text (either language) -> its catalogue id, for every text given through :func:`h`.
_HELP_IDS: dict[str, str] = {}


def h(msg_id: str) -> str:
    """The help text ``msg_id`` in the current language, remembered so it can be re-localised."""
    for text in catalogue()[msg_id]:
        _HELP_IDS[text] = msg_id
    return t(msg_id)


#: click's and Typer's words a planner sees, in Danish (their English text is the key).
CLICK_WORDS: dict[str, str] = {
    "Usage:": "Brug:",
    "[OPTIONS]": "[TILVALG]",
    "COMMAND [ARGS]...": "KOMMANDO [ARGUMENTER]...",
    "Options": "Tilvalg",
    "Arguments": "Argumenter",
    "Positional arguments": "Argumenter",
    "Commands": "Kommandoer",
    "Error": "Fejl",
    "Error: {message}": "Fejl: {message}",
    "Aborted!": "Afbrudt!",
    "Aborted.": "Afbrudt.",
    "Show this message and exit.": "Vis denne hjælp og afslut.",
    "[default: {}]": "[standard: {}]",
    "default: {default}": "standard: {default}",
    "[required]": "[skal angives]",
    "required": "skal angives",
    "[env var: {}]": "[miljøvariabel: {}]",
    "env var: {var}": "miljøvariabel: {var}",
    "(deprecated) ": "(udgået) ",
    "(dynamic)": "(dynamisk)",
    "Missing command.": "Kommando mangler.",
    "Missing argument": "Argument mangler",
    "Missing option": "Tilvalg mangler",
    "Missing parameter": "Parameter mangler",
    "Missing {param_type}": "{param_type} mangler",
    "Missing parameter: {param_name}": "Parameter mangler: {param_name}",
    "No such option {name!r}.": "Intet tilvalg ved navn {name!r}.",
    "No such option: {name}": "Intet tilvalg ved navn {name}",
    "No such command {name!r}.": "Ingen kommando ved navn {name!r}.",
    "Did you mean {possibility}?": "Mente du {possibility}?",
    "(Possible options: {possibilities})": "(Mulige tilvalg: {possibilities})",
    "Invalid value: {message}": "Ugyldig værdi: {message}",
    "Invalid value for {param_hint}: {message}": "Ugyldig værdi for {param_hint}: {message}",
    "Try '{command} {option}' for help.": "Prøv '{command} {option}' for hjælp.",
    "Try [blue]'{command_path} {help_option}'[/] for help.": (
        "Prøv [blue]'{command_path} {help_option}'[/] for hjælp."
    ),
    "Option {name!r} requires an argument.": "Tilvalget {name!r} kræver en værdi.",
    "Option {name!r} requires {nargs} arguments.": "Tilvalget {name!r} kræver {nargs} værdier.",
    "Option {name!r} does not take a value.": "Tilvalget {name!r} tager ingen værdi.",
    "Got unexpected extra argument ({args})": "Uventet ekstra argument ({args})",
    "Got unexpected extra arguments ({args})": "Uventede ekstra argumenter ({args})",
    "{value!r} is not a valid {number_type}.": "{value!r} er ikke et gyldigt {number_type}.",
    "{value} is not in the range {range}.": "{value} ligger ikke i intervallet {range}.",
    "{value!r} is not one of {choices}.": "{value!r} er ikke en af {choices}.",
    "{value!r} is not {choice}.": "{value!r} er ikke {choice}.",
    "integer": "heltal",
    "float": "tal",
    "Could not open file {filename!r}: {message}": "Kunne ikke åbne filen {filename!r}: {message}",
    "unknown error": "ukendt fejl",
}

#: Typer's type labels in ``--help`` (``<path>``, ``<int range>``, ``<list[str]>``): word -> Danish.
TYPE_WORDS: dict[str, str] = {
    "path": "sti",
    "file": "fil",
    "dir": "mappe",
    "str": "tekst",
    "int": "heltal",
    "float": "tal",
    "bool": "ja/nej",
    "datetime": "tidspunkt",
    "list": "liste",
}
_TYPE_WORD = re.compile(r"\b(" + "|".join(TYPE_WORDS) + r")\b")

_MODULES = ("typer.core", "typer.main", "typer.rich_utils", "typer._click.parser")

#: Typer's panel titles and markers: constants read when help is drawn.
_TYPER_CONSTANTS = {
    "DEPRECATED_STRING": "(deprecated) ",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}


def gettext(message: str) -> str:
    """click's and Typer's ``_``: their English, or its Danish in a Danish run."""
    return CLICK_WORDS.get(message, message) if language() == "da" else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """click's ``ngettext``, translated like :func:`gettext`."""
    return gettext(singular if n == 1 else plural)


def type_label(label: str) -> str:
    """A type label of Typer's help in the current language: ``<float range>`` -> ``<tal i interval>``."""
    if language() != "da":
        return label
    return _TYPE_WORD.sub(lambda m: TYPE_WORDS[m.group(1)], label.replace(" range", " i interval"))


def _install_type_labels() -> None:
    """Typer writes a parameter's type (``<path>``) from the annotation: put it through :func:`type_label`.

    Choices (``da|en``) are values, not words, and stay as they are; so does a ``metavar``.
    """
    parameter = importlib.import_module("typer.core")._TyperParameter
    if getattr(parameter.display_type, "localized", False):
        return
    english = parameter.display_type

    def display_type(self: Any, ctx: Any) -> str:
        label = english(self, ctx)
        return label if self.type_descriptor.is_choice else type_label(label)

    display_type.localized = True  # type: ignore[attr-defined]
    parameter.display_type = display_type


def install() -> None:
    """Bind :func:`gettext` in click's and Typer's modules; set Typer's titles for the current language."""
    _install_type_labels()
    for name in _MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    rich_utils = importlib.import_module("typer.rich_utils")
    for constant, english in _TYPER_CONSTANTS.items():
        setattr(rich_utils, constant, gettext(english))


def language_from_args(args: Sequence[str]) -> tuple[str | None, list[str]]:
    """``--lang en`` / ``--lang=en`` anywhere in ``args``: (the value or None, the other arguments).

    A ``--lang`` without a value gives ``""`` (no language by that name).
    """
    rest: list[str] = []
    chosen: str | None = None
    it = iter(args)
    for arg in it:
        if arg == "--":
            rest.append(arg)
            rest.extend(it)
            break
        if arg == "--lang":
            chosen = next(it, None)
            chosen = "" if chosen is None else chosen  # a --lang without a value is an unknown language
            continue
        if arg.startswith("--lang="):
            chosen = arg.removeprefix("--lang=")
            continue
        rest.append(arg)
    return chosen, rest


def localize(command: Any) -> None:
    """Fill every help text of ``command`` and its subcommands in again, in the current language."""
    if command.help in _HELP_IDS:
        command.help = t(_HELP_IDS[command.help])
    if command.short_help in _HELP_IDS:
        command.short_help = t(_HELP_IDS[command.short_help])
    for param in command.params:
        help_text = getattr(param, "help", None)
        if help_text in _HELP_IDS:
            param.help = t(_HELP_IDS[help_text])  # type: ignore[attr-defined]
        if param.metavar in _HELP_IDS:
            param.metavar = t(_HELP_IDS[param.metavar])
    command.options_metavar = gettext("[OPTIONS]")
    if hasattr(command, "subcommand_metavar"):
        command.subcommand_metavar = gettext("COMMAND [ARGS]...")
    for sub in getattr(command, "commands", {}).values():
        localize(sub)


#: The click copy's own parse errors (English f-strings): pattern -> Danish.
_CLICK_ERRORS: tuple[tuple[str, str], ...] = (
    (r"^Missing argument (.+)\.", r"Argument mangler: \1."),
    (r"^Missing option (.+)\.", r"Tilvalg mangler: \1."),
    (r"^Missing parameter (.+)\.", r"Parameter mangler: \1."),
    (r"^Missing command\.", "Kommando mangler."),
    (r"^Invalid value for (.+?): ", r"Ugyldig værdi for \1: "),
    (r"^Invalid value: ", "Ugyldig værdi: "),
    (r"^No such option: (\S+)", r"Intet tilvalg ved navn \1"),
    (r"^No such command (.+?)\.", r"Ingen kommando ved navn \1."),
    (r"^Got unexpected extra arguments? \((.*)\)", r"Uventet ekstra argument (\1)"),
    (r"^Option (.+?) requires an argument\.", r"Tilvalget \1 kræver en værdi."),
    (r"^Option (.+?) does not take a value\.", r"Tilvalget \1 tager ingen værdi."),
    (r"Did you mean", "Mente du"),
    (r"\(Possible options: ", "(Mulige tilvalg: "),
    (r" is not a valid integer", " er ikke et gyldigt heltal"),
    (r" is not a valid float", " er ikke et gyldigt tal"),
    (r" is not a valid boolean", " er ikke en gyldig sandhedsværdi"),
    (r" is not in the range ", " ligger ikke i intervallet "),
    (r" is not one of ", " er ikke en af "),
    (r"Input should be greater than or equal to ", "skal være mindst "),
    (r"Input should be greater than ", "skal være større end "),
    (r"Input should be less than or equal to ", "må højst være "),
    (r"Input should be less than ", "skal være mindre end "),
    (r"Input should be a valid integer(, unable to parse string as an integer)?", "skal være et helt tal"),
    (r"Input should be a valid number(, unable to parse string as a number)?", "skal være et tal"),
    (r"Input should be a valid boolean(, unable to interpret input)?", "skal være true eller false"),
)


def danish_error(text: str) -> str:
    """A parse error of the click copy inside Typer in Danish (parts it does not know stay as they are)."""
    for pattern, danish in _CLICK_ERRORS:
        text = re.sub(pattern, danish, text)
    return text


def _localized_errors(call: Callable[[], Any]) -> Any:
    """``call()``, with a click error it raises put in the run's language before it is shown."""
    import typer._click.exceptions as click_exceptions

    try:
        return call()
    except click_exceptions.ClickException as exc:
        if language() == "da" and not getattr(exc, "localized", False):
            text = danish_error(exc.format_message())
            exc.format_message = lambda: text  # type: ignore[method-assign]
            exc.localized = True  # type: ignore[attr-defined]
        raise


class _Localized:
    """The words the click copy inside Typer writes itself: ``Usage:``, the ``--help`` help, parse errors."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        make = super().make_context  # type: ignore[misc]
        return _localized_errors(lambda: make(*args, **kwargs))

    def invoke(self, ctx: Any) -> Any:
        invoke = super().invoke  # type: ignore[misc]
        return _localized_errors(lambda: invoke(ctx))

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=f"{gettext('Usage:')} ")

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = gettext("Show this message and exit.")
        return option


class LocalizedCommand(_Localized, TyperCommand):
    """A ``mobilstation`` command (``app.command(cls=LocalizedCommand)``)."""


class LocalizedGroup(_Localized, TyperGroup):
    """The ``mobilstation`` group: picks the language from the arguments before click reads them."""

    def main(self, args: Sequence[str] | None = None, *a: Any, **kw: Any) -> Any:
        import sys

        given, rest = language_from_args(sys.argv[1:] if args is None else list(args))
        if given is not None and normalise(given) is None:
            # bad input like any other: a message and exit 2, in the language of the environment
            known = ", ".join(LANGUAGES)
            typer.echo(f"{t('label.error')} {t('lang.unknown', name=given, known=known)}", err=True)
            sys.exit(2)
        with using(given):
            install()
            localize(self)
            return super().main(rest, *a, **kw)

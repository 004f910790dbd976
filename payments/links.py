"""Links that other apps attach to installments, so that payments needs to know none of them.

The hand-over process makes the reminder tasks; it registers a function that, given a
list of installments, returns each one's link (label, url, done) in a fixed number of
queries. The payment queue shows them.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class InstallmentLink:
    label: str
    url: str
    done: bool = False


Linker = Callable[[list], dict[int, InstallmentLink]]
_linkers: dict[str, Linker] = {}


def register_installment_linker(name: str, linker: Linker) -> None:
    _linkers[name] = linker


def installment_links(installments: list) -> dict[int, list[InstallmentLink]]:
    links: dict[int, list[InstallmentLink]] = {}
    for linker in _linkers.values():
        for pk, link in linker(installments).items():
            links.setdefault(pk, []).append(link)
    return links

"""The outgoing-payments chart, drawn on the server as SVG (no script, no external file)."""

import datetime
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 720, 220
LEFT, BOTTOM, TOP = 8, 40, 18
PALETTE = ("#1f5fbf", "#177245", "#b26b00", "#7a4fb8")


def _n(value: float) -> str:
    return f"{value:.1f}"


def outgoing_chart_svg(
    monday: datetime.date, weeks: int, totals: dict[tuple[int, str], Decimal]
) -> SafeString:
    """Bars per week and currency; each currency is scaled to its own largest week, since
    roubles and yuan share no axis. Every bar carries its amount as text."""
    currencies = sorted({currency for _, currency in totals})
    if not currencies:
        return format_html('<p class="muted">{}</p>', _("Nothing is due in the next eight weeks."))
    peak = {
        c: max(v for (_, cur), v in totals.items() if cur == c) or Decimal(1) for c in currencies
    }
    slot = (WIDTH - LEFT) / weeks
    bar = min(36, (slot - 10) / len(currencies))
    plot = HEIGHT - BOTTOM - TOP
    bars, labels = [], []
    for week in range(weeks):
        x0 = LEFT + week * slot + (slot - bar * len(currencies)) / 2
        start = monday + datetime.timedelta(weeks=week)
        labels.append(
            (LEFT + week * slot + slot / 2, HEIGHT - BOTTOM + 16, date_format(start, "d.m"))
        )
        for index, currency in enumerate(currencies):
            value = totals.get((week, currency))
            if not value:
                continue
            # Bars take up to 55 % of the height; the amounts stand above them.
            height = max(2.0, float(value / peak[currency]) * plot * 0.55)
            x, y = x0 + index * bar, HEIGHT - BOTTOM - height
            amount = f"{number_format(value, 0, force_grouping=True)} {currency}"
            bars.append(
                (
                    x,
                    y,
                    bar - 2,
                    height,
                    PALETTE[index % len(PALETTE)],
                    amount,
                    date_format(start, "j E"),
                )
            )
    legend = format_html_join(
        "",
        '<rect x="{}" y="4" width="10" height="10" fill="{}"/><text x="{}" y="13">{}</text>',
        (
            (LEFT + i * 70, PALETTE[i % len(PALETTE)], LEFT + i * 70 + 14, c)
            for i, c in enumerate(currencies)
        ),
    )
    body = format_html_join(
        "",
        '<g><title>{5}, {6}</title><rect x="{0}" y="{1}" width="{2}" height="{3}" fill="{4}"/>'
        '<text class="amount" x="{7}" y="{8}" transform="rotate(-90 {7} {8})">{5}</text></g>',
        (
            (_n(x), _n(y), _n(w), _n(h), colour, amount, week, _n(x + w / 2 + 3), _n(y - 4))
            for x, y, w, h, colour, amount, week in bars
        ),
    )
    axis = format_html_join(
        "",
        '<text class="week" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((_n(x), _n(y), t) for x, y, t in labels),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}">{}{}{}'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"/></svg>',
        WIDTH,
        HEIGHT,
        _("Outgoing payments per week for the next eight weeks"),
        legend,
        body,
        axis,
        LEFT,
        HEIGHT - BOTTOM,
        WIDTH,
        HEIGHT - BOTTOM,
    )

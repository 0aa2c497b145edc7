"""Presentation shared by charts and reports: number formatting and labels.

Numbers, percentages and dates in bokmål or English (:mod:`~indicators.present.format`),
and every label, heading and sentence the reports show (:mod:`~indicators.present.labels`).

The layers point one way: ``reports`` -> ``charts`` -> ``present`` -> ``results``.
"""

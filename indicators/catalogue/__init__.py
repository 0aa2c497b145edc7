"""The indicator catalogue: declarations of every indicator the toolkit computes.

>>> from indicators.catalogue import CATALOGUE
>>> [i.id for i in CATALOGUE][:3]
['WAIT-01', 'WAIT-02', 'WAIT-03']
"""

from indicators.catalogue.definitions import BY_ID, CATALOGUE
from indicators.catalogue.model import CaseContext, Indicator, Targets

__all__ = ["BY_ID", "CATALOGUE", "CaseContext", "Indicator", "Targets"]

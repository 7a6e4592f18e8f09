"""kpi_lib: strategy-KPI progress analysis for Japanese regional revitalization strategies.

Data flows one way: data tables -> loading (validated Dataset) -> grading (tidy results)
-> audit / charts / commentary -> views -> notebooks -> report (papermill, HTML).
"""

import sys

__version__ = "0.1.0"

# jsonschema (imported by altair) loads the optional IRI checker rfc3987_syntax when it is
# installed (jupyter pulls it in); it compiles a grammar for ~3 s per process, in every report
# kernel. Nothing here validates IRIs, so keep it from loading unless someone already did.
sys.modules.setdefault("rfc3987_syntax", None)

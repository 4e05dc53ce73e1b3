"""/api/results: generating, submitting, guiding and publicising results (api/results.py), their
printable tables (api/documents.py), the archive (api/archive.py), the filing export
(api/filing.py) and oversight (api/oversight.py)."""

from ninja import Router

from . import archive, documents, filing, oversight, results

router = Router(tags=["results"])
router.add_router("", results.router)
router.add_router("", documents.router)
router.add_router("", archive.router)
router.add_router("", filing.router)
router.add_router("", oversight.router)

"""Results: console pages under /console/, the public result under /p/ (no sign-in), the owner's
archive download under /m/."""

from django.urls import path

from .views import archive, console, documents, oversight, public

app_name = "results"
urlpatterns = [
    # the convener and the supervising staff (views/console.py)
    path("console/meetings/<int:meeting_id>/result/", console.result, name="console"),
    path("console/meetings/<int:meeting_id>/result/close", console.close_voting, name="close_voting"),
    path("console/meetings/<int:meeting_id>/result/generate", console.generate, name="generate"),
    path("console/meetings/<int:meeting_id>/result/job", console.job, name="job"),
    path("console/meetings/<int:meeting_id>/result/job/retry", console.job_retry, name="job_retry"),
    path("console/meetings/<int:meeting_id>/result/submit", console.submit, name="submit"),
    path("console/meetings/<int:meeting_id>/result/guidance", console.guidance, name="guidance"),
    path("console/meetings/<int:meeting_id>/result/publicity", console.publicise, name="publicise"),
    path("console/meetings/<int:meeting_id>/result/correction", console.correct, name="correct"),
    path("console/meetings/<int:meeting_id>/result/v<int:number>/", console.version, name="version"),
    # printable tables of a version (views/documents.py): kind "result" or "flats"
    path(
        "console/meetings/<int:meeting_id>/result/v<int:number>/<str:kind>.pdf",
        documents.version_pdf,
        name="pdf",
    ),
    path(
        "console/meetings/<int:meeting_id>/result/v<int:number>/<str:kind>.xlsx",
        documents.version_xlsx,
        name="xlsx",
    ),
    # the scans of the signed tables submitted to the supervising office (R-RES-2)
    path(
        "console/meetings/<int:meeting_id>/result/v<int:number>/<str:kind>/signed",
        documents.version_scan,
        name="scan",
    ),
    # the archive (views/archive.py)
    path("console/meetings/<int:meeting_id>/result/archive.json", archive.console_archive, name="archive"),
    path("m/meetings/<int:meeting_id>/result/archive.json", archive.owner_archive, name="owner_archive"),
    # the publicised result for filing (备案, R-DATA-1; views/archive.py)
    path("console/meetings/<int:meeting_id>/result/filing.json", archive.console_filing, name="filing"),
    # the public result (views/public.py, views/documents.py)
    path("p/meetings/<int:meeting_id>/result/", public.result, name="public"),
    path("p/meetings/<int:meeting_id>/result/result.pdf", documents.public_pdf, name="public_pdf"),
    path("p/meetings/<int:meeting_id>/result/signed", documents.public_scan, name="public_scan"),
    path("p/meetings/<int:meeting_id>/result/v<int:number>/root.json", public.root, name="public_root"),
    # the browser verifier (R-TRUST-4): recounts the archive in the owner's browser
    path("p/meetings/<int:meeting_id>/result/verify/", public.verify, name="public_verify"),
    # oversight (views/oversight.py)
    path("console/oversight/", oversight.dashboard, name="oversight"),
]

"""Mail sent by the task worker (docs/tasks.md), so a slow mail server delays no request.

The desk's other tasks live beside the work they run: big imports in
curation/import_jobs.py, scheduled publication in curation/periodic.py.
"""

from django.core.mail import send_mail
from django.tasks import task


@task
def send_mail_later(*, subject: str, message: str, recipient_list: list[str]) -> int:
    """Send one message; a slow or failing mail server delays no request."""
    return send_mail(
        subject=subject, message=message, from_email=None, recipient_list=recipient_list
    )

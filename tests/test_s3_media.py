"""Media on S3-compatible object storage (MEDIA_STORAGE=s3, django-storages), against a
real S3 server process: moto's standalone server (moto[server] from PyPI), started here.

Scans are stored private and reach readers only through the site's permission check;
collection images get plain URLs under their public prefix."""

import socket
import subprocess
import sys
import time

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests import factories

pytestmark = pytest.mark.django_db

BUCKET = "dossier-media"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="session")
def s3_endpoint():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("moto's S3 server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def s3(s3_endpoint, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": s3_endpoint,
        "default_acl": None,
        "querystring_auth": False,
        "file_overwrite": False,
        **CREDENTIALS,
    }
    storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_round_trip(s3):
    name = default_storage.save("scans/2026/12/cable.txt", ContentFile(b"A cable"))
    assert s3.get_object(Bucket=BUCKET, Key=name)["Body"].read() == b"A cable"
    with default_storage.open(name) as stored:
        assert stored.read() == b"A cable"
    default_storage.delete(name)
    assert not default_storage.exists(name)


def public_grants(s3, key: str) -> list:
    grants = s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    return [g for g in grants if g["Grantee"].get("URI", "").endswith("AllUsers")]


def test_scans_are_private_and_served_through_the_permission_check(s3, client):
    draft = factories.DocumentFactory(title="Telegram in draft")
    scan = factories.ScanFactory(document=draft, position=1)
    key = scan.file.name
    assert key.startswith("scans/")
    assert s3.head_object(Bucket=BUCKET, Key=key)["ContentLength"] > 0
    assert public_grants(s3, key) == []  # stored private

    url = f"/documents/{draft.record_id}/scans/1/"
    assert client.get(url).status_code == 404  # a draft's scan: not for readers
    draft.status = draft.Status.PUBLISHED
    draft.save()
    response = client.get(url)
    assert response.status_code == 200
    assert (
        b"".join(response.streaming_content) == s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    )


def test_collection_images_have_plain_urls_under_their_public_prefix(s3):
    collection = factories.CollectionFactory()
    collection.image.save("cover.png", ContentFile(factories.png_upload().read()))
    assert collection.image.name.startswith("collections/")
    url = collection.image.url
    assert "Signature" not in url and "X-Amz" not in url
    assert url.startswith(s3.meta.endpoint_url) and f"/{BUCKET}/collections/" in url

"""OAI-PMH 2.0 at /oai/ (GET and POST): the six verbs, oai_dc, sets for collections,
deleted records for withdrawn documents, and every error condition with its code.

Arguments are checked before any query runs; a bad request answers an OAI error document
(HTTP 200, as the protocol asks), never a 500. Responses are written as text through
`archive.oai.xml`, which escapes every value.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from archive.oai import records, tokens, xml
from archive.oai.metadata import NAMESPACES, OAI_DC, OAI_DC_SCHEMA, oai_dc
from archive.oai.records import Cursor
from archive.oai.xml import element, text, text_element

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
_ROOT_OPENING = (
    f'<OAI-PMH xmlns="{OAI}" xmlns:xsi="{XSI}"'
    + "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
    + f' xsi:schemaLocation="{OAI} {OAI_SCHEMA}">'
)

PAGE_SIZE = 250
FORMATS = {"oai_dc": (OAI_DC_SCHEMA, OAI_DC)}
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"

# Arguments each verb takes: (required, optional); resumptionToken is exclusive.
VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
# The schema's patterns for arguments echoed in the response's request element.
_SYNTAX = {
    "metadataPrefix": re.compile(r"[A-Za-z0-9\-_.!~*'()]+"),
    "set": re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*"),
    "identifier": re.compile(r"[^\s<>\"{}|\\^`]+"),
}


class OaiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Repository:
    """What every response needs from the request: base URL, identifiers, permalinks."""

    base_url: str
    identifier_prefix: str
    permalink_prefix: str
    sets: records.SetTree | None = None

    @classmethod
    def for_request(cls, request) -> "Repository":
        host = settings.DOSSIER_OAI_REPOSITORY_IDENTIFIER or request.get_host().rsplit(":", 1)[0]
        sample = reverse("archive:document_redirect", kwargs={"record_id": 1})
        return cls(
            base_url=request.build_absolute_uri(reverse("oai:endpoint")),
            identifier_prefix=f"oai:{host}:",
            permalink_prefix=request.build_absolute_uri(sample.removesuffix("1/")),
        )

    def set_tree(self) -> records.SetTree:
        if self.sets is None:
            self.sets = records.SetTree()
        return self.sets

    def identifier(self, document) -> str:
        return f"{self.identifier_prefix}{document.record_id}"

    def record_id(self, identifier: str) -> int | None:
        number = identifier.removeprefix(self.identifier_prefix)
        if number == identifier or not number.isascii() or not number.isdigit():
            return None
        return int(number)


@csrf_exempt
def endpoint(request):
    if request.method not in ("GET", "POST", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    arguments = request.POST if request.method == "POST" else request.GET
    repository = Repository.for_request(request)
    echoed: dict[str, str] = {}
    try:
        verb, args = _checked_arguments(arguments)
        echoed = {**dict(sorted(args.items())), "verb": verb}
        answer = HANDLERS[verb](repository, args)
    except OaiError as error:
        # After badVerb or badArgument the request element names only the base URL.
        if error.code in ("badVerb", "badArgument"):
            echoed = {}
        answer = element("error", text(error.message), {"code": error.code})
    body = "".join(
        [
            _ROOT_OPENING,
            text_element("responseDate", _stamp(timezone.now())),
            element("request", text(repository.base_url), echoed),
            answer,
            "</OAI-PMH>",
        ]
    )
    return HttpResponse(xml.document(body), content_type="text/xml; charset=utf-8")


def _checked_arguments(arguments) -> tuple[str, dict[str, str]]:
    verbs = arguments.getlist("verb")
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OaiError("badVerb", "The verb argument is missing, repeated or not an OAI verb.")
    verb = verbs[0]
    required, optional = VERBS[verb]
    args = {}
    for name in arguments:
        if name == "verb":
            continue
        values = arguments.getlist(name)
        if name not in required | optional:
            raise OaiError("badArgument", f"{verb} takes no argument {name!r}.")
        if len(values) != 1:
            raise OaiError("badArgument", f"The argument {name!r} is repeated.")
        args[name] = values[0]
    if "resumptionToken" in args:
        if len(args) > 1:
            raise OaiError("badArgument", "A resumptionToken must be the only argument.")
        return verb, args
    missing = required - set(args)
    if missing:
        raise OaiError("badArgument", f"{verb} needs {', '.join(sorted(missing))}.")
    for name, pattern in _SYNTAX.items():
        if name in args and not pattern.fullmatch(args[name]):
            raise OaiError("badArgument", f"{args[name]!r} is not a valid {name}.")
    return verb, args


# Verbs ------------------------------------------------------------------------------------


def identify(repository: Repository, args) -> str:
    earliest = records.earliest_datestamp() or timezone.now()
    fields = [
        ("repositoryName", settings.DOSSIER_ARCHIVE_NAME),
        ("baseURL", repository.base_url),
        ("protocolVersion", "2.0"),
        ("adminEmail", settings.DOSSIER_OAI_ADMIN_EMAIL),
        ("earliestDatestamp", _stamp(earliest)),
        ("deletedRecord", "persistent"),
        ("granularity", GRANULARITY),
    ]
    return element("Identify", "".join(text_element(name, value) for name, value in fields))


def list_metadata_formats(repository: Repository, args) -> str:
    if "identifier" in args:
        _document(repository, args["identifier"])
    formats = [
        element(
            "metadataFormat",
            text_element("metadataPrefix", prefix)
            + text_element("schema", schema)
            + text_element("metadataNamespace", namespace),
        )
        for prefix, (schema, namespace) in FORMATS.items()
    ]
    return element("ListMetadataFormats", "".join(formats))


def list_sets(repository: Repository, args) -> str:
    if "resumptionToken" in args:
        # Sets come in one list: no token this repository issues is a ListSets token.
        raise OaiError("badResumptionToken", "ListSets is answered in one response.")
    sets = repository.set_tree().sets()
    if not sets:
        raise OaiError("noSetHierarchy", "This archive has no collections to harvest by.")
    return element(
        "ListSets",
        "".join(
            element(
                "set", text_element("setSpec", oai_set.spec) + text_element("setName", oai_set.name)
            )
            for oai_set in sets
        ),
    )


def get_record(repository: Repository, args) -> str:
    _check_format(args["metadataPrefix"])
    document = _document(repository, args["identifier"], with_metadata=True)
    return element("GetRecord", _record(repository, document))


def list_identifiers(repository: Repository, args) -> str:
    return _list(repository, args, container="ListIdentifiers", with_metadata=False)


def list_records(repository: Repository, args) -> str:
    return _list(repository, args, container="ListRecords", with_metadata=True)


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


# Lists ------------------------------------------------------------------------------------


def _list(repository: Repository, args, *, container: str, with_metadata: bool):
    if "resumptionToken" in args:
        try:
            token = tokens.decode(args["resumptionToken"])
        except tokens.BadToken as error:
            raise OaiError("badResumptionToken", str(error)) from error
        prefix, set_spec = token.metadata_prefix, token.set_spec
        from_, until = token.from_, token.until
    else:
        token = None
        prefix, set_spec = args["metadataPrefix"], args.get("set")
        from_, until = args.get("from"), args.get("until")
    try:
        _check_format(prefix)
        start, end = _date_range(from_, until)
        collection_ids = _set_members(repository, set_spec)
    except OaiError as error:
        if token is not None:
            raise OaiError("badResumptionToken", error.message) from error
        raise

    documents = records.selected_documents(start=start, end=end, collection_ids=collection_ids)
    if token is None:
        complete_list_size, sent = documents.count(), 0
        if complete_list_size == 0:
            raise OaiError("noRecordsMatch", "No records match these arguments.")
        after = None
    else:
        complete_list_size, sent, after = token.complete_list_size, token.cursor, token.after
    page = records.records_page(documents, after=after, size=PAGE_SIZE, with_metadata=with_metadata)
    more, page = len(page) > PAGE_SIZE, page[:PAGE_SIZE]
    if not page and token is not None:
        raise OaiError("badResumptionToken", "This harvest has no more records.")

    write = _record if with_metadata else _header
    parts = [write(repository, record) for record in page]
    if token is not None or more:
        resumption = ""
        if more:
            last = page[-1]
            resumption = tokens.ResumptionToken(
                metadata_prefix=prefix,
                set_spec=set_spec,
                from_=from_,
                until=until,
                after=Cursor(datestamp=last.datestamp, id=last.id),
                cursor=sent + len(page),
                complete_list_size=complete_list_size,
            ).encode()
        size = max(complete_list_size, sent + len(page))
        parts.append(
            element(
                "resumptionToken",
                resumption,  # URL-safe base64: nothing to escape
                {"completeListSize": str(size), "cursor": str(sent)},
            )
        )
    return element(container, "".join(parts))


def _check_format(prefix: str) -> None:
    if prefix not in FORMATS:
        raise OaiError("cannotDisseminateFormat", f"This repository does not offer {prefix!r}.")


def _date_range(from_: str | None, until: str | None):
    """`from` inclusive and `until` inclusive at its granularity, as [start, end)."""
    start = _parse_datestamp(from_, "from") if from_ else None
    end = _parse_datestamp(until, "until") if until else None
    if from_ and until and len(from_) != len(until):
        raise OaiError("badArgument", "from and until must have the same granularity.")
    if start and end and start > end:
        raise OaiError("badArgument", "from must not be later than until.")
    if end is not None:
        step = {"days": 1} if _DAY.fullmatch(until) else {"seconds": 1}
        try:
            end += datetime.timedelta(**step)
        except OverflowError:  # until=9999-12-31: no upper bound
            end = None
    return start, end


def _parse_datestamp(value: str, name: str) -> datetime.datetime:
    try:
        if _DAY.fullmatch(value):
            day = datetime.date.fromisoformat(value)
            return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
        if _SECONDS.fullmatch(value):
            return datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=datetime.UTC
            )
    except ValueError:
        pass
    raise OaiError(
        "badArgument", f"{name} must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, not {value!r}."
    )


def _set_members(repository: Repository, set_spec: str | None) -> list[int] | None:
    if set_spec is None:
        return None
    tree = repository.set_tree()
    if not tree.sets():
        raise OaiError("noSetHierarchy", "This archive has no collections to harvest by.")
    members = tree.members(set_spec)
    if members is None:
        raise OaiError("badArgument", f"There is no set {set_spec!r}.")
    return members


# Records ----------------------------------------------------------------------------------


def _document(repository: Repository, identifier: str, *, with_metadata: bool = False):
    record_id = repository.record_id(identifier)
    found = []
    if record_id is not None and record_id < 2**63:
        documents = records.harvestable_documents().filter(record_id=record_id)
        found = records.records_page(documents, after=None, size=1, with_metadata=with_metadata)
    if not found:
        raise OaiError("idDoesNotExist", f"There is no record {identifier!r}.")
    return found[0]


def _header(repository: Repository, record: records.Record) -> str:
    parts = [
        text_element("identifier", repository.identifier(record)),
        text_element("datestamp", _stamp(record.datestamp)),
        *(
            text_element("setSpec", spec)
            for spec in repository.set_tree().specs_of(record.collection_ids)
        ),
    ]
    attributes = None if record.published else {"status": "deleted"}
    return element("header", "".join(parts), attributes)


def _record(repository: Repository, record: records.Record) -> str:
    header = _header(repository, record)
    if not record.published:
        return element("record", header)
    metadata = oai_dc(
        record,
        permalink=f"{repository.permalink_prefix}{record.record_id}/",
        publisher=settings.DOSSIER_ARCHIVE_NAME,
    )
    return element("record", header + element("metadata", metadata))


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

"""Importing documents from spreadsheets: matched by record ID, all rows checked, all or nothing."""

import io
import json
import zipfile

import openpyxl
import pytest

from archive.models import Agent, Document, Place, Topic
from curation.import_files import ImportFileRefused, read_import_file
from curation.imports import ImportOptions, documents_import
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = "record_id,title,date,summary,creators,places,topics,original_languages,collections"


@pytest.fixture
def authorities(db):
    vietnam = factories.PlaceFactory(name="Vietnam")
    factories.PlaceFactory(name="Hanoi", parent=vietnam)
    factories.AgentFactory(name="Zhou Enlai")
    factories.AgentFactory(name="Mao Zedong")
    factories.TopicFactory(name="Vietnam War")
    factories.LanguageFactory(code="zh", name="Chinese")
    factories.CollectionFactory(slug="sino-soviet", title="Sino-Soviet Relations")


def run(text: str, user, *, name="docs.csv", create_missing=False, dry_run=False):
    file = read_import_file(data=text.encode("utf-8"), name=name)
    options = ImportOptions(create_missing=create_missing, dry_run=dry_run)
    return documents_import(file=file, user=user, options=options)


GOOD = (
    f"{HEADER}\n"
    "900001,Mao to Zhou,1950-01-07,A telegram.,Mao Zedong | Zhou Enlai,Vietnam > Hanoi,"
    "Vietnam War,zh,sino-soviet\n"
    '900002,"Soviet responses, April",April 1965,Notes.,"Zhou Enlai",Vietnam,,zh,\n'
)


def test_import_creates_documents_with_relations_and_history(authorities, archivist):
    report = run(GOOD, archivist)

    assert (report.created, report.updated, report.errors) == (2, 0, [])
    document = Document.objects.get(record_id=900001)
    assert document.status == Document.Status.DRAFT
    assert document.date_earliest.isoformat() == "1950-01-07"
    assert sorted(document.creators.values_list("name", flat=True)) == ["Mao Zedong", "Zhou Enlai"]
    assert list(document.places.values_list("name", flat=True)) == ["Hanoi"]
    assert list(document.collections.values_list("slug", flat=True)) == ["sino-soviet"]
    second = Document.objects.get(record_id=900002)
    assert second.title == "Soviet responses, April"
    history = document.history.get()
    assert history.history_user == archivist
    assert history.history_change_reason == "Imported from docs.csv"
    assert sorted(a.agent.name for a in history.creators.all()) == ["Mao Zedong", "Zhou Enlai"]


def test_reimporting_the_same_file_changes_nothing(authorities, archivist):
    run(GOOD, archivist)
    before = list(Document.objects.values_list("pk", "updated_at"))

    report = run(GOOD, archivist)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert list(Document.objects.values_list("pk", "updated_at")) == before
    assert Document.history.count() == 2


def test_reimport_updates_in_place_and_lists_differences(authorities, archivist):
    run(GOOD, archivist)
    changed = GOOD.replace("A telegram.", "A cable.").replace(
        "Mao Zedong | Zhou Enlai", "Mao Zedong"
    )

    report = run(changed, archivist, dry_run=True)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert report.rows[0].diff == {
        "summary": ("A telegram.", "A cable."),
        "creators": ("Mao Zedong | Zhou Enlai", "Mao Zedong"),
    }
    run(changed, archivist)
    document = Document.objects.get(record_id=900001)
    assert document.summary == "A cable."
    assert list(document.creators.values_list("name", flat=True)) == ["Mao Zedong"]
    assert Document.objects.count() == 2


def test_one_bad_row_is_reported_and_nothing_is_written(authorities, archivist):
    text = GOOD + "900003,Bad date,May 30 65,x,,,,,\n900004,Fine,1965,x,,,,,\n"

    report = run(text, archivist)

    assert [(e.row, e.column) for e in report.errors] == [(4, "date")]
    assert "year" in report.errors[0].message.lower() or report.errors[0].message
    assert not report.written
    assert Document.objects.count() == 0


def test_every_row_is_checked_not_only_the_first_failure(authorities, archivist):
    text = f"{HEADER}\n1,,1950,x,,,,,\n2,B,1950,x,Nobody,,,,\n3,C,1950,x,,,,xx,\n"

    report = run(text, archivist)

    assert [(e.row, e.column) for e in report.errors] == [
        (2, "title"),
        (3, "creators"),
        (4, "original_languages"),
    ]


def test_unknown_authorities_are_reported_by_default(authorities, archivist):
    text = f"{HEADER}\n5,T,1950,x,New Person,Laos > Vientiane,New topic,,\n"

    report = run(text, archivist)

    assert {e.column for e in report.errors} == {"creators", "places", "topics"}
    assert not Agent.objects.filter(name="New Person").exists()


def test_unknown_authorities_are_created_when_chosen_and_listed(authorities, archivist):
    text = f'{HEADER}\n5,T,1950,x,"New Person, Jr.",Laos > Vientiane,New topic,,\n'

    preview = run(text, archivist, create_missing=True, dry_run=True)
    assert preview.new_authorities == {
        "people and organizations": ["New Person, Jr."],
        "places": ["Laos", "Laos > Vientiane"],
        "topics": ["New topic"],
    }
    assert not Topic.objects.filter(name="New topic").exists()

    report = run(text, archivist, create_missing=True)

    assert report.errors == []
    vientiane = Place.objects.get(name="Vientiane")
    assert vientiane.parent.name == "Laos"
    assert vientiane.tree_path == f"/{vientiane.parent.pk}/{vientiane.pk}/"
    document = Document.objects.get(record_id=5)
    assert list(document.creators.values_list("name", flat=True)) == ["New Person, Jr."]
    assert Topic.objects.get(name="New topic").history.get().history_user == archivist


def test_csv_with_bom_and_semicolons(authorities, archivist):
    text = "\ufeffrecord_id;title;date;creators\n7;Un titre, avec virgule;1965;Zhou Enlai\n"

    file = read_import_file(data=text.encode("utf-8"), name="excel.csv")
    assert file.description == "CSV (semicolon-separated, UTF-8, with byte-order mark)"
    report = documents_import(file=file, user=archivist, options=ImportOptions(dry_run=False))

    assert report.errors == []
    assert Document.objects.get(record_id=7).title == "Un titre, avec virgule"


def test_json_and_xlsx_import_the_same_records(authorities, archivist):
    records = [{"record_id": 11, "title": "JSON doc", "date": "1950", "creators": ["Mao Zedong"]}]
    run(json.dumps(records), archivist, name="docs.json")
    book = openpyxl.Workbook()
    book.active.append(["record_id", "title", "date", "creators"])
    book.active.append([12, "XLSX doc", "1951", "Zhou Enlai"])
    buffer = io.BytesIO()
    book.save(buffer)
    file = read_import_file(data=buffer.getvalue(), name="docs.xlsx")
    report = documents_import(file=file, user=archivist, options=ImportOptions(dry_run=False))

    assert report.errors == []
    assert Document.objects.get(record_id=11).creators.get().name == "Mao Zedong"
    assert Document.objects.get(record_id=12).creators.get().name == "Zhou Enlai"


def test_archivists_cannot_publish_by_import_but_editors_can(archivist, editor):
    factories.RightsStatementFactory(name="Open")
    factories.LanguageFactory(code="zh", name="Chinese")
    text = (
        "record_id,title,date,summary,status,rights_statement,transcript_language,transcript\n"
        "21,T,1950,S,published,Open,zh,<p>正文</p><script>x</script>\n"
    )

    refused = run(text, archivist)
    assert [(e.row, e.column) for e in refused.errors] == [(2, "status")]

    report = run(text, editor)
    assert report.errors == []
    document = Document.objects.get(record_id=21)
    assert document.status == Document.Status.PUBLISHED
    assert document.transcripts.get().body == "<p>正文</p>"


def test_xml_bomb_xlsx_is_refused(tmp_path):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheets><sheet name='&lol2;' sheetId='1'/></sheets></workbook>"
    )
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, bomb if item.filename == "xl/workbook.xml" else data)

    with pytest.raises(ImportFileRefused, match="refused as unsafe"):
        read_import_file(data=out.getvalue(), name="bomb.xlsx")
    with pytest.raises(ImportFileRefused, match="refused as unsafe"):
        streamed(out.getvalue(), tmp_path, name="bomb.xlsx")


def test_oversized_files_and_too_many_rows_are_refused(settings):
    settings.DOSSIER_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileRefused, match="limit is"):
        read_import_file(data=b"title\n" + b"x" * 200, name="big.csv")
    settings.DOSSIER_IMPORT_MAX_BYTES = 10_000
    settings.DOSSIER_IMPORT_MAX_ROWS = 3
    with pytest.raises(ImportFileRefused, match="the limit is 3"):
        read_import_file(data=b"title\na\nb\nc\nd\n", name="long.csv")


def test_search_finds_imported_documents_once_published_and_follows_updates(
    archivist, editor, django_capture_on_commit_callbacks
):
    from tests.archive.search.helpers import found

    factories.RightsStatementFactory(name="Open")
    factories.LanguageFactory(code="en", name="English")
    text = (
        "record_id,title,date,summary,rights_statement,transcript_language,transcript\n"
        "31,Memorandum on the walrus fisheries,1950,S,Open,en,<p>Quotas.</p>\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        run(text, archivist)
    assert found("walrus") == []  # a draft

    published = text.replace("summary,rights", "summary,status,rights").replace(
        ",S,", ",S,published,"
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run(published, editor)
    assert len(callbacks) >= 1
    assert found("walrus") == ["Memorandum on the walrus fisheries"]

    renamed = text.replace("walrus", "sturgeon")
    with django_capture_on_commit_callbacks(execute=True):
        run(renamed, archivist)
    assert found("walrus") == []
    assert found("sturgeon") == ["Memorandum on the sturgeon fisheries"]


def test_a_failed_write_leaves_nothing_behind(archivist, editor):
    """An editor's publish that fails its checks (no rights statement) rolls back the rows
    and the authorities created before it."""
    text = "record_id,title,date,summary,status,topics\n41,T,1950,S,published,Brand new topic\n"

    report = run(text, editor, create_missing=True)

    assert [(e.row, e.column) for e in report.errors] == [(2, "status")]
    assert not report.written
    assert Document.objects.count() == 0
    assert not Topic.objects.filter(name="Brand new topic").exists()


def test_rows_without_record_id_get_numbers_after_those_the_file_gives(archivist):
    text = "record_id,title\n,First without\n7,Seven\n,Second without\n"

    report = run(text, archivist)

    assert report.errors == []
    assert sorted(Document.objects.values_list("record_id", "title")) == [
        (7, "Seven"),
        (8, "First without"),
        (9, "Second without"),
    ]


# --- Streamed files and batches --------------------------------------------------------------


def streamed(text: str | bytes, tmp_path, name="docs.csv"):
    from curation.import_files import open_import_file

    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return open_import_file(source=lambda: path.open("rb"), size=path.stat().st_size, name=name)


def test_a_streamed_csv_reads_as_the_whole_file_does(tmp_path):
    text = (
        '\ufeffrecord_id;title;summary\n1;First;"Two\nlines; and a semicolon"\n\n2;Second;\'=1+1\n'
    )

    whole = read_import_file(data=text.encode(), name="docs.csv")
    file = streamed(text, tmp_path)

    assert (file.description, file.height, file.headers) == (
        "CSV (semicolon-separated, UTF-8, with byte-order mark)",
        2,
        ["record_id", "title", "summary"],
    )
    assert list(file.rows()) == [list(row) for row in whole.dataset]
    assert list(file.rows()) == list(file.rows())  # read again from the start


def test_a_streamed_xlsx_reads_as_the_whole_file_does_and_refuses_what_it_refuses(
    tmp_path, settings, authorities, archivist
):
    book = openpyxl.Workbook()
    book.active.append(["record_id", "title", "date", "creators", None])
    book.active.append([12, "XLSX doc", "1951", "Zhou Enlai"])
    book.active.append([None, None, None, None])
    book.active.append([13, "'=1+1", 1952.0, "Mao Zedong | Zhou Enlai"])
    buffer = io.BytesIO()
    book.save(buffer)

    whole = read_import_file(data=buffer.getvalue(), name="docs.xlsx")
    file = streamed(buffer.getvalue(), tmp_path, name="docs.xlsx")

    assert file.dataset is None  # not held in memory
    assert (file.height, file.headers) == (2, ["record_id", "title", "date", "creators"])
    assert list(file.rows()) == [list(row) for row in whole.dataset]
    assert list(file.rows())[1] == ["13", "=1+1", "1952", "Mao Zedong | Zhou Enlai"]
    report = documents_import(file=file, user=archivist, options=ImportOptions(dry_run=False))
    assert (report.created, report.errors) == (2, [])
    assert Document.objects.get(record_id=13).creators.count() == 2

    settings.DOSSIER_IMPORT_MAX_ROWS = 1
    with pytest.raises(ImportFileRefused, match="more than 1 rows"):
        streamed(buffer.getvalue(), tmp_path, name="docs.xlsx")
    with pytest.raises(ImportFileRefused, match="not an XLSX workbook"):
        streamed(b"record_id,title\n", tmp_path, name="docs.xlsx")


def test_a_streamed_json_reads_as_the_whole_file_does_and_refuses_what_it_refuses(tmp_path):
    records = [
        {"record_id": 11, "title": "JSON doc", "creators": ["Mao Zedong", "Zhou Enlai"]},
        {"record_id": 12, "title": "'=1+1", "date": 1951, "summary": None},
    ]
    data = "\ufeff" + json.dumps(records, ensure_ascii=False)

    whole = read_import_file(data=data.encode(), name="docs.json")
    file = streamed(data, tmp_path, name="docs.json")

    assert file.dataset is None  # not held in memory
    assert (file.height, file.headers) == (2, whole.headers)
    rows = list(file.rows())
    assert rows == [list(row) for row in whole.dataset]
    assert rows[0][2] == "Mao Zedong | Zhou Enlai"
    for bad, reason in [
        ('{"record_id": 1}', "a list of objects"),
        ("[1, 2]", "a list of objects"),
        ('[{"record_id": 1},', "cannot be read"),
    ]:
        with pytest.raises(ImportFileRefused, match=reason):
            list(streamed(bad, tmp_path, name="docs.json").rows())


def test_a_streamed_csv_is_refused_as_the_whole_file_is(tmp_path, settings):
    with pytest.raises(ImportFileRefused, match="not UTF-8"):
        streamed("record_id,title\n1,caf\xe9\n".encode("latin-1"), tmp_path)
    settings.DOSSIER_IMPORT_MAX_ROWS = 2
    with pytest.raises(ImportFileRefused, match="more than 2 rows"):
        streamed("record_id,title\n1,A\n2,B\n3,C\n", tmp_path)
    settings.DOSSIER_IMPORT_MAX_BYTES = 10
    with pytest.raises(ImportFileRefused, match="the limit is"):
        streamed("record_id,title\n1,A\n", tmp_path)


def test_batches_keep_all_or_nothing_and_number_rows_after_the_whole_file(
    archivist, tmp_path, monkeypatch
):
    """Rows are checked and written a batch at a time: an error in the last batch still
    writes nothing, and rows without a record ID are numbered after the file's highest."""
    from curation import imports

    monkeypatch.setattr(imports, "BATCH", 2)
    rows = "".join(f",Untitled {n}\n" for n in range(3)) + "50,Fifty\n"

    report = documents_import(
        file=streamed("record_id,title\n" + rows + "51,\n", tmp_path),
        user=archivist,
        options=ImportOptions(dry_run=False),
    )
    assert [(e.row, e.column) for e in report.errors] == [(6, "title")]
    assert Document.objects.count() == 0

    report = documents_import(
        file=streamed("record_id,title\n" + rows, tmp_path),
        user=archivist,
        options=ImportOptions(dry_run=False),
    )
    assert report.created == 4 and report.written
    assert sorted(Document.objects.values_list("record_id", flat=True)) == [50, 51, 52, 53]
    assert [o.record_id for o in report.rows] == [51, 52, 53, 50]


def test_declassification_imports_exports_and_reimports_unchanged(archivist):
    from curation.resources import documents_dataset

    factories.DeclassifyingAuthorityFactory(name="US Department of State")
    header = (
        "record_id,title,declassified_by,declassified_on,declassification_case,"
        "declassification_program"
    )
    text = (
        f"{header}\n900001,A cable,US Department of State,2019-06-14,F-2019-01234,"
        "Mandatory Declassification Review\n"
    )

    report = run(text, archivist)

    assert (report.created, report.errors) == (1, [])
    provenance = Document.objects.get(record_id=900001).provenance
    assert provenance.declassified_by.name == "US Department of State"
    assert provenance.declassified_on.isoformat() == "2019-06-14"
    assert provenance.declassification_case == "F-2019-01234"
    assert provenance.declassification_program == "Mandatory Declassification Review"
    assert provenance.history.get().history_change_reason == "Imported from docs.csv"

    exported = documents_dataset(Document.objects.all())
    row = dict(zip(exported.headers, exported[0], strict=True))
    assert (row["declassified_by"], row["declassified_on"], row["declassification_case"]) == (
        "US Department of State",
        "2019-06-14",
        "F-2019-01234",
    )
    again = run(exported.export("csv"), archivist)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 1, [])

    changed = run(text.replace("2019-06-14", "2020-01-02"), archivist, dry_run=True)
    assert changed.rows[0].diff == {"declassified_on": ("2019-06-14", "2020-01-02")}

    bad = run(text.replace("2019-06-14", "June 2019"), archivist)
    assert [(e.row, e.column) for e in bad.errors] == [(2, "declassified_on")]

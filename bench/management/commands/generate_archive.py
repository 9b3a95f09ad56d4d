"""Generate a synthetic archive for benchmarks (bench/README.md): N published documents
with transcripts and translations of realistic length in several languages and
scripts, places inside countries, topics, collections, creators, translators,
funders, repositories and dates across five decades; then rebuild the search index.

Writes with bulk_create in batches and pauses per-change index updates, so 100k
documents take minutes, not hours. Not for production databases.
"""

import bisect
import itertools
import random
import re
import time
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

import archive
from archive import listings
from archive import models as m
from archive.dates import parse_historical_date
from archive.richtext import html_to_text
from archive.search.index import rebuild_index, updates_paused
from archive.statistics import analyze

TEXTS = Path(archive.__file__).resolve().parent / "demo" / "texts"
EXTRA_ENGLISH = """ambassador embassy ministry delegation negotiations treaty alliance armistice
ceasefire border frontier artillery airfield harbour shipment grain steel petroleum rubber
credits loan agreement protocol communique memorandum conversation plenum congress politburo
secretariat comrade chairman premier minister consul attache cipher telegram report directive
instructions intelligence reconnaissance mobilization offensive withdrawal evacuation refugees
propaganda broadcast newspaper editorial revisionism imperialism sovereignty independence
reunification disarmament inspection verification nuclear missile reactor uranium satellite
delegates conference summit visit reception banquet toast friendship cooperation assistance
experts advisers specialists engineers factories collectivization harvest famine drought flood
railway tractor fertilizer textiles machinery equipment weapons ammunition aircraft submarine
destroyer garrison division regiment battalion volunteers prisoners exchange repatriation""".split()  # noqa: SIM905
RUSSIAN = """министерство иностранных дел посол посольство правительство товарищ председатель
переговоры договор соглашение союз совет партия центральный комитет секретарь делегация
вопрос положение обстановка граница война мир помощь сотрудничество экономический военный
политический народ страна республика китайский вьетнамский американский империализм оружие
поставки зерно нефть сталь заводы специалисты советники доклад телеграмма сообщение встреча
беседа заявление решение предложение ответ согласие отказ просьба информация разведка флот
армия дивизия авиация ракеты атомный проект""".split()  # noqa: SIM905
VIETNAMESE = """bộ ngoại giao đại sứ quán chính phủ đồng chí chủ tịch hội nghị hiệp định
liên minh đảng trung ương bí thư đoàn đại biểu vấn đề tình hình biên giới chiến tranh hòa bình
viện trợ hợp tác kinh tế quân sự chính trị nhân dân đất nước cộng hòa trung quốc việt nam
liên xô mỹ đế quốc vũ khí lương thực dầu thép nhà máy chuyên gia báo cáo điện tin cuộc gặp
tuyên bố quyết định đề nghị trả lời""".split()  # noqa: SIM905
CHINESE = (
    "中华人民共和国外交部苏联大使馆政府同志主席总理会谈条约协定联盟党中央委员会书记代表团问题"
    "情况边界战争和平援助合作经济军事政治人民国家共和越南美国帝国主义武器粮食石油钢铁工厂专家"
    "报告电报消息会见声明决定建议答复同意拒绝请求情报修正主义革命斗争胜利支持反对美帝轰炸北方南方"
)
RARE = [f"Zarkovian{n}" for n in range(40)] + [f"Operation-Kestrel{n}" for n in range(40)]
COUNTRIES = """China|Soviet Union|Vietnam|United States|Korea|Japan|Mongolia|Poland|Hungary|
Czechoslovakia|East Germany|West Germany|France|United Kingdom|India|Indonesia|Cuba|Egypt|Albania|
Yugoslavia|Romania|Bulgaria|Laos|Cambodia|Burma|Pakistan|Iran|Iraq|Syria|Israel|Algeria|Ghana|
Guinea|Ethiopia|Brazil|Chile|Canada|Italy|Austria|Finland""".replace("\n", "").split("|")
DOC_TYPES = [
    "Cable",
    "Telegram",
    "Letter",
    "Memorandum of Conversation",
    "Report",
    "Minutes",
    "Speech",
    "Diary Entry",
    "Instructions",
    "Note",
    "Record of Conversation",
    "Intelligence Report",
]
CLASSIFICATIONS = ["Unclassified", "Confidential", "Secret", "Top Secret", "Very Urgent"]
# Other names of a few countries, as an editor gives them (bench/search_latency.py looks one up).
VARIANT_NAMES = {
    "China": "Zhongguo\n中国",
    "Soviet Union": "USSR\nSovetsky Soyuz\nСССР",
    "Vietnam": "Việt Nam\nDemocratic Republic of Vietnam",
    "Burma": "Myanmar",
}
TRANSCRIPT_LANGUAGES = [("zh", 35), ("ru", 35), ("vi", 15), ("en", 10), ("de", 5)]


class Words:
    """Weighted sampling from a vocabulary (weights as they occur in real cables)."""

    def __init__(self, weighted: Counter):
        self.words = list(weighted)
        self.cumulative = list(itertools.accumulate(weighted.values()))

    def by_frequency(self) -> list[str]:
        weights = dict(zip(self.words, itertools.pairwise([0, *self.cumulative]), strict=True))
        return sorted(self.words, key=lambda word: weights[word][0] - weights[word][1])

    def sample(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=k)


def english_words() -> Words:
    counts: Counter = Counter()
    for path in TEXTS.glob("*.html"):
        counts.update(re.findall(r"[A-Za-z][A-Za-z'-]+", html_to_text(path.read_text())))
    for word in EXTRA_ENGLISH:
        counts[word] += 2
    return Words(counts)


def zipf(words: list[str], offset: int = 1) -> Words:
    return Words(Counter({word: 10_000 // (rank + offset) + 1 for rank, word in enumerate(words)}))


def chinese_characters() -> list[str]:
    """The characters of diplomatic Chinese first, then 3,000 more ideographs."""
    common = list(dict.fromkeys(CHINESE))
    return common + [c for c in map(chr, range(0x4E00, 0x4E00 + 3000)) if c not in common]


class Command(BaseCommand):
    help = "Generate N synthetic published documents for benchmarks, then rebuild the index."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=1965)
        parser.add_argument("--batch", type=int, default=2000)
        parser.add_argument("--words", type=int, default=250, help="median words per text")
        parser.add_argument("--no-index", action="store_true", help="skip the index rebuild")

    def handle(self, *args, count, seed, batch, words, no_index, **options):
        rng = random.Random(seed)
        self.median_words = words
        self.vocab = {
            "en": english_words(),
            "de": english_words(),
            "ru": zipf(RUSSIAN),
            "vi": zipf(VIETNAMESE),
            "zh": zipf(chinese_characters(), offset=10),
        }
        started = time.perf_counter()
        with updates_paused(), listings.updates_paused():
            authorities = self.authorities(rng)
            first = (m.Document.objects.aggregate(n=Max("record_id"))["n"] or 0) + 1
            if connection.vendor == "postgresql":
                batch = max(batch, 50_000)
            for start in range(0, count, batch):
                size = min(batch, count - start)
                with transaction.atomic():
                    if connection.vendor == "postgresql":
                        self.make_batch_sql(authorities, first + start, size)
                    else:
                        self.make_batch(rng, authorities, first + start, size)
                self.stdout.write(f"  {start + min(batch, count - start)} documents", ending="\r")
                self.stdout.flush()
        self.stdout.write(
            f"\nGenerated {count} documents in {time.perf_counter() - started:.1f} s."
        )
        if not no_index:
            started = time.perf_counter()
            with transaction.atomic():
                indexed = rebuild_index()
            self.stdout.write(
                f"Indexed {indexed} documents in {time.perf_counter() - started:.1f} s."
            )
        started = time.perf_counter()
        listed = listings.rebuild_listings()
        self.stdout.write(f"Listed {listed} in {time.perf_counter() - started:.1f} s.")
        analyze()  # the planner's statistics, as a restore or bulk import should do too

    # ----- authorities --------------------------------------------------------------------

    def authorities(self, rng: random.Random) -> dict:
        languages = {}
        for code, name in [
            ("en", "English"),
            ("ru", "Russian"),
            ("zh", "Chinese"),
            ("vi", "Vietnamese"),
            ("de", "German"),
            ("fr", "French"),
        ]:
            languages[code], _ = m.Language.objects.get_or_create(
                code=code, defaults={"name": name}
            )

        def named(model, names, **extra):
            return [model.objects.get_or_create(name=name, **extra)[0] for name in names]

        countries = named(m.Place, COUNTRIES, parent=None)
        for country in countries:
            country.variant_names = VARIANT_NAMES.get(country.name, "")
            country.save(update_fields=["variant_names"])
        cities = []
        for country in countries:
            cities += named(
                m.Place, [f"{country.name} city {n}" for n in range(1, 11)], parent=country
            )
        places = countries + cities
        collections = [
            m.Collection.objects.get_or_create(
                slug=f"generated-collection-{n}",
                defaults={
                    "title": f"Generated collection {n}: "
                    + " ".join(self.vocab["en"].sample(rng, 4)).title()
                },
            )[0]
            for n in range(60)
        ]
        return {
            "languages": languages,
            "places": places,
            "place_weights": list(itertools.accumulate(1 / (i + 1) for i in range(len(places)))),
            "topics": named(
                m.Topic,
                [f"Topic {w.title()} {n}" for n, w in enumerate(self.vocab["en"].sample(rng, 150))],
            ),
            "collections": collections,
            "agents": named(
                m.Agent,
                [
                    f"Agent {n} {w.title()}"
                    for n, w in enumerate(self.vocab["en"].sample(rng, 2000))
                ],
            ),
            "translators": named(m.Translator, [f"Translator {n}" for n in range(50)]),
            "funders": named(m.Funder, [f"Foundation {n}" for n in range(20)]),
            "repositories": named(m.Repository, [f"Archive {n}" for n in range(30)]),
            "types": named(m.DocumentType, DOC_TYPES),
            "classifications": named(m.Classification, CLASSIFICATIONS),
            "rights": m.RightsStatement.objects.get_or_create(name="Generated: reuse welcome")[0],
        }

    # ----- documents ----------------------------------------------------------------------

    def text(self, rng: random.Random, language: str) -> str:
        n = max(20, int(rng.lognormvariate(0, 0.6) * self.median_words))
        words = self.vocab[language].sample(rng, n)
        if rng.random() < 0.002:
            words[rng.randrange(n)] = rng.choice(RARE)
        joiner = "" if language == "zh" else " "
        paragraphs = [joiner.join(words[i : i + 60]) for i in range(0, n, 60)]
        return "".join(f"<p>{p}</p>" for p in paragraphs)

    def make_batch_sql(self, a, first_record_id, n):
        """PostgreSQL: the same archive, written set-based (see _generate_pg)."""
        from ._generate_pg import generate

        vocab = {code: words.by_frequency() for code, words in self.vocab.items()}
        generate(
            first=first_record_id,
            last=first_record_id + n - 1,
            vocab=vocab,
            a=a,
            median_words=self.median_words,
            rare=RARE,
        )

    def first_versions(self, approved: list[tuple[m.Translation, m.Translator]]) -> None:
        """Version 1 of each approved translation, as its approval records it
        (archive/versions.py), so the version pages work on a generated archive."""
        versions = m.TranslationVersion.objects.bulk_create(
            m.TranslationVersion(
                document_id=t.document_id,
                translation=t,
                language_id=t.language_id,
                number=1,
                body=t.approved_body,
                credit=t.approved_credit,
                approved_at=t.approved_at,
            )
            for t, translator in approved
        )
        through = m.TranslationVersion.translators.through
        through.objects.bulk_create(
            through(translationversion_id=version.pk, translator_id=translator.pk)
            for version, (_t, translator) in zip(versions, approved, strict=True)
        )

    def date(self, rng: random.Random) -> str:
        year = rng.randint(1945, 1991)
        roll = rng.random()
        if roll < 0.6:
            return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if roll < 0.8:
            return f"{year}-{rng.randint(1, 12):02d}"
        if roll < 0.95:
            return str(year)
        if roll < 0.98:
            return f"{year}-{rng.randint(1, 6):02d}/{year}-{rng.randint(7, 12):02d}"
        return "undated"

    def make_batch(self, rng, a, first_record_id, n):
        now = timezone.now()
        documents = []
        for record_id in range(first_record_id, first_record_id + n):
            parsed = parse_historical_date(self.date(rng))
            en = self.vocab["en"]
            title = f"{rng.choice(DOC_TYPES)}, " + " ".join(en.sample(rng, rng.randint(4, 12)))
            documents.append(
                m.Document(
                    record_id=record_id,
                    slug=f"generated-{record_id}",
                    title=title[:500],
                    summary=" ".join(en.sample(rng, rng.randint(15, 40))).capitalize() + ".",
                    date_entered=parsed.entered,
                    date_edtf=parsed.edtf,
                    date_earliest=parsed.earliest,
                    date_latest=parsed.latest,
                    date_precision=parsed.precision,
                    date_display=parsed.display,
                    document_type=rng.choice(a["types"]),
                    classification=rng.choice(a["classifications"] + [None]),
                    rights_statement=a["rights"],
                    status=m.Document.Status.PUBLISHED,
                    first_published_at=now,
                )
            )
        documents = m.Document.objects.bulk_create(documents)

        transcripts, translations, provenances = [], [], []
        rel = {
            name: []
            for name in (
                "places",
                "topics",
                "collections",
                "creators",
                "funders",
                "original_languages",
            )
        }
        codes = [c for c, _ in TRANSCRIPT_LANGUAGES]
        weights = [w for _, w in TRANSCRIPT_LANGUAGES]
        for document in documents:
            code = rng.choices(codes, weights)[0]
            language = a["languages"][code]
            transcripts.append(
                m.Transcript(document=document, language=language, body=self.text(rng, code))
            )
            rel["original_languages"].append((document.pk, language.pk))
            if code != "en":
                body = self.text(rng, "en")
                approved = rng.random() < 0.9
                translations.append(
                    m.Translation(
                        document=document,
                        language=a["languages"]["en"],
                        body=body,
                        approved_body=body if approved else "",
                        approved_at=now if approved else None,
                        state=m.Translation.State.APPROVED
                        if approved
                        else m.Translation.State.DRAFT,
                    )
                )
            provenances.append(
                m.Provenance(
                    document=document,
                    repository=rng.choice(a["repositories"]),
                    archival_reference=f"GEN {document.record_id}",
                )
            )
            for place in {
                bisect.bisect(a["place_weights"], rng.random() * a["place_weights"][-1])
                for _ in range(rng.randint(0, 3))
            }:
                rel["places"].append(
                    (document.pk, a["places"][min(place, len(a["places"]) - 1)].pk)
                )
            for topic in rng.sample(a["topics"], rng.randint(0, 3)):
                rel["topics"].append((document.pk, topic.pk))
            for collection in rng.sample(a["collections"], rng.choice([0, 1, 1, 2])):
                rel["collections"].append((document.pk, collection.pk))
            for agent in rng.sample(a["agents"], rng.randint(1, 2)):
                rel["creators"].append((document.pk, agent.pk))
            for funder in rng.sample(a["funders"], rng.choice([0, 1, 1, 2])):
                rel["funders"].append((document.pk, funder.pk))
        m.Transcript.objects.bulk_create(transcripts)
        translations = m.Translation.objects.bulk_create(translations)
        m.Provenance.objects.bulk_create(provenances)
        chosen = [(t, rng.choice(a["translators"])) for t in translations]
        through_translators = m.Translation.translators.through
        through_translators.objects.bulk_create(
            through_translators(translation_id=t.pk, translator_id=translator.pk)
            for t, translator in chosen
        )
        # Readers (and search) see the translators an approved translation was approved with.
        through_approved = m.Translation.approved_translators.through
        through_approved.objects.bulk_create(
            through_approved(translation_id=t.pk, translator_id=translator.pk)
            for t, translator in chosen
            if t.approved_body
        )
        approved = [(t, translator) for t, translator in chosen if t.approved_body]
        credited: dict[str, list[int]] = {}
        for t, translator in approved:
            t.approved_credit = f"Translated by {translator.name}"
            credited.setdefault(t.approved_credit, []).append(t.pk)
        for credit, pks in credited.items():
            m.Translation.objects.filter(pk__in=pks).update(approved_credit=credit)
        self.first_versions(approved)
        for name, pairs in rel.items():
            through = getattr(m.Document, name).through
            fields = [f.attname for f in through._meta.concrete_fields if f.attname != "id"]
            through.objects.bulk_create(
                [through(**dict(zip(fields, pair, strict=True))) for pair in pairs],
                ignore_conflicts=True,
            )

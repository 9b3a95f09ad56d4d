# The pages' typographic apostrophes are kept as they are.
"""The reference pages (`tests/data/reference/`) as plain data.

Four document pages and one collection page from the Wilson Center's Digital Archive,
with every field they show. Where a page leaves a value blank (its Record ID, its
Original Uploaded Date, the names of the associated places and topics, the
classification level) the value chosen here is marked "Chosen:" in a comment.

Records point to each other by natural key: authorities by name, languages by code,
collections by slug, documents by record ID. The full translated texts live in
`texts/<slug>.html`.
"""

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class LanguageData:
    code: str
    name: str


@dataclass(frozen=True)
class ClassificationData:
    name: str
    rank: int


@dataclass(frozen=True)
class AgentData:
    name: str
    kind: str = "person"
    description: str = ""


@dataclass(frozen=True)
class PlaceData:
    name: str
    parent: str | None = None


@dataclass(frozen=True)
class RepositoryData:
    name: str
    location: str = ""


@dataclass(frozen=True)
class TranslatorData:
    name: str
    working_languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class FunderData:
    name: str
    credit_line: str
    url: str = ""


@dataclass(frozen=True)
class RightsData:
    name: str
    text: str


@dataclass(frozen=True)
class CollectionData:
    slug: str
    title: str
    short_description: str
    description: str = ""
    image_caption: str = ""
    parent: str | None = None
    position: int = 0
    featured: bool = False
    active: bool = True


@dataclass(frozen=True)
class ProvenanceData:
    repository: str | None = None
    archival_reference: str = ""
    published_source: str = ""
    translation_source: str = ""


@dataclass(frozen=True)
class TranslationData:
    text: str  # the stem of texts/<text>.html
    language: str = "en"
    translators: tuple[str, ...] = ()
    credit_line: str = ""


@dataclass(frozen=True)
class ScanData:
    """A placeholder PDF drawn at load time: the real scans are not part of the demo."""

    label: str
    alt_text: str
    placeholder: str
    position: int = 1


@dataclass(frozen=True)
class DocumentData:
    record_id: int
    title: str
    date: str  # as the archivist enters it (EDTF)
    summary: str
    document_type: str
    original_languages: tuple[str, ...]
    uploaded: datetime  # "Original Uploaded Date"
    slug: str = ""  # blank: made from the title
    creators: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    classification: str | None = None
    places: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()
    funders: tuple[str, ...] = ()
    rights_statement: str | None = None
    provenance: ProvenanceData | None = None
    translations: tuple[TranslationData, ...] = ()
    scans: tuple[ScanData, ...] = ()


def _at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# Authorities ---------------------------------------------------------------------------------

LANGUAGES = (
    LanguageData("en", "English"),
    LanguageData("ru", "Russian"),
    LanguageData("vi", "Vietnamese"),
    LanguageData("zh", "Chinese"),
)

# Chosen: the 1967 page shows an empty "Original Classification"; its title says Secret.
CLASSIFICATIONS = (ClassificationData("Secret", rank=2),)

DOCUMENT_TYPES = (
    "Cable",
    "Ciphered Telegram",
    "Letter",
    "Memorandum of Conversation",
    "Report",
    "Telegram",
)

ORGANIZATION = "organization"

# Names as the titles give them; "Filippov" was Stalin's signature on ciphered telegrams.
MAO = "Mao Zedong"
ZHOU = "Zhou Enlai"
STALIN = "Joseph Stalin"
CCP_CC = "Chinese Communist Party Central Committee"
KRASOVSKY = "Stepan Krasovsky"
ROSHCHIN = "Nikolai Roshchin"
EMBASSY_MOSCOW = "Chinese Embassy in the Soviet Union"
PRC_FOREIGN_MINISTRY = "PRC Foreign Ministry"
VIETNAM_POLITBURO = "Politburo of the Workers' Party of Vietnam"
COSVN = "COSVN [Central Office for South Vietnam]"
REGION_V = "Region V"

AGENTS = (
    AgentData(MAO),
    AgentData(ZHOU),
    AgentData(STALIN, description='Signed his telegrams to Chinese leaders "Filippov".'),
    AgentData(KRASOVSKY, description="Soviet chief military adviser in China."),
    AgentData(ROSHCHIN, description="Soviet Ambassador to China."),
    AgentData("Andrei Gromyko"),
    AgentData("Vladimir Razuvaev", description="Soviet Ambassador to North Korea."),
    AgentData("Luo Ruiqing", description="Chinese Minister of Public Security."),
    AgentData("Liu Shaoqi"),
    AgentData("Zhu De"),
    AgentData("Peng Dehuai"),
    AgentData("Li Fuchun"),
    AgentData("Su Yu"),
    AgentData(CCP_CC, ORGANIZATION, description='"CCP CC" in document titles.'),
    AgentData(EMBASSY_MOSCOW, ORGANIZATION),
    AgentData(PRC_FOREIGN_MINISTRY, ORGANIZATION),
    AgentData(VIETNAM_POLITBURO, ORGANIZATION, description='Signed its cables "Uncle Huong".'),
    AgentData(COSVN, ORGANIZATION, description="The communist command in South Vietnam."),
    AgentData(REGION_V, ORGANIZATION),
)

# Chosen: the 1967 page lists associated places and topics without their names.
PLACES = (
    PlaceData("Vietnam"),
    PlaceData("Hanoi", parent="Vietnam"),
    PlaceData("United States"),
)
TOPICS = ("Diplomacy", "Peace negotiations", "Vietnam War")

PRC_FMA = "PRC Foreign Ministry Archive"
HANOI_PARTY_ARCHIVE = "Archive of the Party Central Committee, Hanoi"
REPOSITORIES = (
    RepositoryData(PRC_FMA, location="Beijing"),
    RepositoryData(HANOI_PARTY_ARCHIVE, location="Hanoi"),
)

COWHIG = "David Cowhig"
PRIBBENOW = "Merle Pribbenow"
TRANSLATORS = (
    TranslatorData(COWHIG, working_languages=("zh", "en")),
    TranslatorData(PRIBBENOW, working_languages=("vi", "en")),
)

LUCE = "Henry Luce Foundation"
FUNDERS = (
    FunderData(
        LUCE,
        credit_line="This document was made possible with support from Henry Luce Foundation",
        url="https://www.hluce.org/",
    ),
)

# The page obfuscates the e-mail address ("[email protected]"); the link is chosen.
REUSE = "History and Public Policy Program reuse statement"
RIGHTS_STATEMENTS = (
    RightsData(
        REUSE,
        text=(
            "<p>The History and Public Policy Program welcomes reuse of Digital Archive "
            "materials for research and educational purposes. Some documents may be subject "
            "to copyright, which is retained by the rights holders in accordance with US and "
            "international copyright laws. When possible, rights holders have been contacted "
            "for permission to reproduce their materials.</p>\n"
            "<p>To enquire about this document's rights status or request permission for "
            'commercial use, please <a href="mailto:hppp@wilsoncenter.org">contact the '
            "History and Public Policy Program</a>.</p>"
        ),
    ),
)

# Collections ---------------------------------------------------------------------------------

SINO_SOVIET = "sino-soviet-relations"
ALLIANCE_MAKING = "making-of-the-sino-soviet-alliance-1945-1950"
ALLIANCE = "sino-soviet-alliance-1950-1959"
SPLIT = "sino-soviet-split-1960-1984"
BORDER_CONFLICT = "sino-soviet-border-conflict-1969"
RAPPROCHEMENT = "sino-soviet-rapprochement-1985-1989"


def _collection_link(slug: str, title: str) -> str:
    return f'<a href="/collections/{slug}/">{title}</a>'


# Chosen: the essay's address (the page shows only its title); not checked against the web.
_ESSAY_URL = "https://www.wilsoncenter.org/blog-post/sino-soviet-alliance-70-years-later"

SUB_COLLECTIONS = (
    (ALLIANCE_MAKING, "Making of the Sino-Soviet Alliance, 1945-1950"),
    (ALLIANCE, "Sino-Soviet Alliance, 1950-1959"),
    (SPLIT, "Sino-Soviet Split, 1960-1984"),
    (BORDER_CONFLICT, "Sino-Soviet Border Conflict, 1969"),
    (RAPPROCHEMENT, "Sino-Soviet Rapprochement, 1985-1989"),
)

_numbered_links = [
    f"({n}) {_collection_link(slug, title)}"
    for n, (slug, title) in enumerate(SUB_COLLECTIONS, start=1)
]

COLLECTIONS = (
    CollectionData(
        slug=SINO_SOVIET,
        title="Sino-Soviet Relations",
        short_description="A catch-all collection for sources on Sino-Soviet relations.",
        description=(
            "<p>This is a catch-all collection for sources on Sino-Soviet relations. Its "
            f'contents are described in an essay by Charles Kraus, <a href="{_ESSAY_URL}">'
            '"The Sino-Soviet Alliance, 70 Years Later"</a> (February 2020). To see focused '
            "collections that deal with specific periods of the Sino-Soviet relationship "
            f"during the Cold War, see {'; '.join(_numbered_links[:-1])}; and "
            f'{_numbered_links[-1]}. (Image, Soviet propaganda poster, "Friends Forever.")</p>'
        ),
        image_caption='Soviet propaganda poster, "Friends Forever."',
        featured=True,
    ),
    # Chosen: the sub-collections' short descriptions (the page names only their titles).
    # Their positions are the page's numbering, (1) to (5): the order readers see.
    *(
        CollectionData(
            slug=slug,
            title=title,
            short_description=f"Sources on one period of Sino-Soviet relations: {title}.",
            parent=SINO_SOVIET,
            position=position,
        )
        for position, (slug, title) in enumerate(SUB_COLLECTIONS, start=1)
    ),
)

# The four reference documents ----------------------------------------------------------------
# Chosen: record IDs 100001-100004 and the Original Uploaded Dates (both blank on the pages),
# and the sub-collection each belongs to (the pages do not list collections). Their slugs
# double as the names of their translation files in texts/.
MAO_TO_ZHOU = "telegram-mao-zedong-zhou-enlai-and-ccp-cc"
RECENT_RESPONSES = (
    "cable-chinese-embassy-soviet-union-recent-responses-soviet-revisionists-situation-vietnam"
)
SOME_PRACTICES = (
    "cable-chinese-embassy-soviet-union-some-practices-soviet-revisionists-vietnam-issue"
)
POLITBURO_CABLE = "secret-north-vietnam-politburo-cable"

DOCUMENTS = (
    DocumentData(
        record_id=100001,
        slug=MAO_TO_ZHOU,
        title="Telegram, Mao Zedong to Zhou Enlai and CCP CC",
        date="1950-01-07",
        summary=(
            "Mao Zedong updates Zhou Enlai on the Sino-Soviet negotiations and Sino-Soviet "
            "cooperation at the United Nations."
        ),
        document_type="Telegram",
        original_languages=("zh",),
        creators=(MAO,),
        recipients=(ZHOU, CCP_CC),
        collections=(ALLIANCE_MAKING,),
        rights_statement=REUSE,
        uploaded=_at(2011, 11, 4, 14, 30),
        provenance=ProvenanceData(
            published_source=(
                "Zhonggong zhongyang wenxian yanjiushi, ed., Jianguo yilai Mao Zedong wengao "
                "(Mao Zedong’s Manuscripts since the Founding of the People’s Republic of "
                "China), vol. 1 (Beijing: Zhongyang wenxian chubanshe, 1987), 219-20"
            ),
            # Without the final period: the citation supplies it.
            translation_source=(
                "Shuguang Zhang and Jian Chen, eds., Chinese Communist Foreign Policy and the "
                "Cold War in Asia: New Documentary Evidence, 1944-1950 (Chicago: Imprint "
                "Publications, 1996), 134-135"
            ),
        ),
        translations=(TranslationData(text=MAO_TO_ZHOU),),
        scans=(
            ScanData(
                label="Original (PDF)",
                alt_text=(
                    "Placeholder page: the scan of the original Chinese telegram is not "
                    "included in the demo data."
                ),
                placeholder="Demo placeholder: the original scan is not included in the demo data",
            ),
        ),
    ),
    DocumentData(
        record_id=100002,
        slug=RECENT_RESPONSES,
        title=(
            "Cable from the Chinese Embassy in the Soviet Union, 'Recent Responses from the "
            "Soviet Revisionists to the Situation in Vietnam'"
        ),
        date="1965-04-10",
        summary=(
            "The Chinese Embassy in Moscow offers a critical assessment of Soviet policy toward "
            "Vietnam."
        ),
        document_type="Cable",
        original_languages=("zh",),
        creators=(EMBASSY_MOSCOW,),
        recipients=(PRC_FOREIGN_MINISTRY,),
        collections=(SPLIT,),
        funders=(LUCE,),
        rights_statement=REUSE,
        uploaded=_at(2019, 3, 4, 15, 0),
        provenance=ProvenanceData(
            repository=PRC_FMA, archival_reference="PRC FMA 109-03654-02, 9-12"
        ),
        translations=(
            TranslationData(
                text=RECENT_RESPONSES,
                translators=(COWHIG,),
                credit_line="Translated by David Cowhig",
            ),
        ),
    ),
    DocumentData(
        record_id=100003,
        slug=SOME_PRACTICES,
        title=(
            "Cable from the Chinese Embassy in the Soviet Union, 'Some Practices of the Soviet "
            "Revisionists on the Vietnam Issue'"
        ),
        date="1965-05-30",
        summary=(
            'The Chinese Embassy in Moscow claims Soviet support for Vietnam is merely "empty '
            'words."'
        ),
        document_type="Cable",
        original_languages=("zh",),
        creators=(EMBASSY_MOSCOW,),
        recipients=(PRC_FOREIGN_MINISTRY,),
        collections=(SPLIT,),
        funders=(LUCE,),
        rights_statement=REUSE,
        uploaded=_at(2019, 3, 4, 15, 5),
        provenance=ProvenanceData(
            repository=PRC_FMA, archival_reference="PRC FMA 109-03654-02, 23-26"
        ),
        translations=(
            TranslationData(
                text=SOME_PRACTICES,
                translators=(COWHIG,),
                credit_line="Translated by David Cowhig",
            ),
        ),
    ),
    DocumentData(
        record_id=100004,
        slug=POLITBURO_CABLE,
        title="Secret North Vietnam Politburo Cable",
        date="1967-01-23",
        summary=(
            "The Vietnamese Politburo informs COSVN (the communist command in South Vietnam) "
            "of new developments in the war, stating that international opinion is turning "
            "against the US after the escalated bombing of North Vietnam. It then outlines the "
            'Vietnamese "Talk-Fight" strategy.'
        ),
        document_type="Cable",
        original_languages=("vi",),
        creators=(VIETNAM_POLITBURO,),
        recipients=(COSVN, REGION_V),
        classification="Secret",
        places=("Vietnam", "Hanoi", "United States"),
        topics=("Vietnam War", "Diplomacy", "Peace negotiations"),
        funders=(LUCE,),
        rights_statement=REUSE,
        uploaded=_at(2013, 6, 12, 13, 30),
        provenance=ProvenanceData(repository=HANOI_PARTY_ARCHIVE),
        translations=(
            TranslationData(
                text=POLITBURO_CABLE,
                translators=(PRIBBENOW,),
                credit_line="Translated for CWIHP by Merle Pribbenow",
            ),
        ),
    ),
)

# Pairs of record IDs shown as related documents: the two cables from one archive file.
RELATED_DOCUMENTS = ((100002, 100003),)

# The collection page's twenty documents ------------------------------------------------------
# Date, title and summary exactly as the page lists them; they have no text on the page.
# Chosen: record IDs 100101-100120, the Original Uploaded Dates, and the original languages
# (Russian for telegrams from the Soviet archives, Chinese for the Chinese-sourced cables,
# letter and report).


def _listed(
    record_id: int,
    date: str,
    title: str,
    summary: str,
    *,
    document_type: str,
    creators: tuple[str, ...],
    recipients: tuple[str, ...] = (),
    language: str = "ru",
) -> DocumentData:
    return DocumentData(
        record_id=record_id,
        title=title,
        date=date,
        summary=summary,
        document_type=document_type,
        original_languages=(language,),
        creators=creators,
        recipients=recipients,
        collections=(SINO_SOVIET,),
        rights_statement=REUSE,
        uploaded=_at(2012, 2, 20, 9, record_id - 100101),
    )


COLLECTION_DOCUMENTS = (
    _listed(
        100101,
        "1951-09-10",
        "Ciphered Telegram, Filippov [Stalin] to Mao Zedong",
        "Telegram from Stalin to Mao agreeing to send the military advisors requested by Mao. "
        "He also asks whether General Zakharov would be suitable as the main military adviser "
        "for the staff.",
        document_type="Ciphered Telegram",
        creators=(STALIN,),
        recipients=(MAO,),
    ),
    _listed(
        100102,
        "1951-10-07",
        "Telegram from Filippov [Stalin] to Mao Zedong via Krasovsky",
        "Telegram from Stalin to Mao discussing the five advisors being sent to Beijing, and "
        "the military equipment being sent by the end of 1951 for the remaining six divisions "
        "-- the delivery of which is being delayed six months.",
        document_type="Telegram",
        creators=(STALIN,),
        recipients=(MAO,),
    ),
    _listed(
        100103,
        "1951-10-18",
        "Cable No. 25025, Mao Zedong to Filippov [Stalin]",
        "Mao writes to Stalin regarding an upcoming conference to discuss strategy for an "
        "armistice ending the Korean War.",
        document_type="Cable",
        creators=(MAO,),
        recipients=(STALIN,),
    ),
    _listed(
        100104,
        "1951-11-01",
        "Ciphered Telegram No. 25465 from Beijing, Mao Zedong to Cde. Filippov [Stalin]",
        "Mao writes to Stalin discussing strategies for a proposal cease hostilities at the "
        "front line, and establish a line of demarcation between the two sides.",
        document_type="Ciphered Telegram",
        creators=(MAO,),
        recipients=(STALIN,),
    ),
    _listed(
        100105,
        "1951-11-14",
        "Ciphered Telegram No. 25902 from Beijing, Mao Zedong to Cde. Filippov [Stalin]",
        "Mao writes to Stalin of the ongoing armistice negotiations concerning Korea, "
        "specifically the proposed demarcation line (38th parallel). Mao also writes about "
        "monitoring, the exchange of prisoners of war, and economic considerations within "
        "China.",
        document_type="Ciphered Telegram",
        creators=(MAO,),
        recipients=(STALIN,),
    ),
    _listed(
        100106,
        "1951-11-19",
        "Ciphered Telegram, Special No. 1821 from Beijing",
        "Telegram from Roshchin to Moscow after meeting Zhou Enlai who asked him to request of "
        "Stalin an answer to Mao's earlier inquiry on the negotiations in Korea.",
        document_type="Ciphered Telegram",
        creators=(ROSHCHIN,),
    ),
    _listed(
        100107,
        "1951-11-21",
        "Ciphered Telegram No. 26044, Gromyko to Razuvaev",
        "Telegram from Gromyko to Razuvaev instructing him to explain to the Chinese and "
        "Koreans the reasoning behind Vyshinsky's demand that the demarcation line be "
        "established at the 38th parallel rather than at the present front line.",
        document_type="Ciphered Telegram",
        creators=("Andrei Gromyko",),
        recipients=("Vladimir Razuvaev",),
    ),
    _listed(
        100108,
        "1952-01-18",
        "Memorandum of Conversation, Soviet Ambassador to China N.V. Roshchin with Chinese "
        "Minister of Public Security Luo Ruiqing, 24 December 1951",
        "In the course of the discussion the matter of the proposed purge by the Chinese "
        "government of foreigners in Manchuria was raised. Luo Ruiqing said that the Chinese "
        "government intends to purge a series of regions of the country of unreliable "
        "elements: Manchuria, Qingdao, and Beijing. In the course of two years from these "
        "regions all foreigners of imperialist states will be deported. It’s more difficult to "
        "address the matter of local Soviet citizens. Among these local Soviet citizens there "
        "are dispersed columns of openly and secretly hostile elements, who have conducted in "
        "the past or carry on now espionage activities against the USSR and the Chinese "
        "People’s Republic.",
        document_type="Memorandum of Conversation",
        creators=(ROSHCHIN,),
    ),
    _listed(
        100109,
        "1952-01-31",
        "Ciphered Telegram No. 16008 from Beijing, Mao Zedong to Cde. Filippov [Stalin]",
        "Mao asks Stalin advice and instructions concerning issues raised during negotiations, "
        "particularly the establishment of a monitoring organ comprised of officials from "
        "neutral countries.",
        document_type="Ciphered Telegram",
        creators=(MAO,),
        recipients=(STALIN,),
    ),
    _listed(
        100110,
        "1952-02-03",
        "Ciphered Telegram No. 709, Filippov [Stalin] to Krasovsky, for Mao Zedong",
        "Telegram to Mao from Stalin approving of Mao's progress at the armistice talks and "
        "reminding him to have Polish and Czech included in the commission of observers.",
        document_type="Ciphered Telegram",
        creators=(STALIN,),
        recipients=(KRASOVSKY, MAO),
    ),
    _listed(
        100111,
        "1952-02-08",
        "Ciphered Telegram No. 16293 from Beijing, Mao Zedong to Filippov [Stalin]",
        "Mao conveys two telegrams to Stalin: one from Peng Dehuai to Mao (22 January 1952) and "
        "the other is Mao’s response (4 February 1952). The telegrams discuss North Korea’s "
        "need for aid from China.",
        document_type="Ciphered Telegram",
        creators=(MAO,),
        recipients=(STALIN,),
    ),
    _listed(
        100112,
        "1952-02-21",
        "Ciphered Telegram No. 16715 from Beijing, Mao Zedong to Filippov [Stalin]",
        "Mao Zedong requests help from Stalin regarding the dropping of insects on North Korea "
        "by the United States.",
        document_type="Ciphered Telegram",
        creators=(MAO,),
        recipients=(STALIN,),
    ),
    _listed(
        100113,
        "1952-03-07",
        "Cable, Zhou Enlai to Filippov [Stalin]",
        "Zhou Enlai's request to Stalin to increase its assistance by dispatching "
        "anti-epidemiological specialists.",
        document_type="Cable",
        creators=(ZHOU,),
        recipients=(STALIN,),
        language="zh",
    ),
    _listed(
        100114,
        "1952-03-10",
        "Ciphered Telegram No. 17318 from Beijing, Zhou Enlai to Filippov [Stalin]",
        "Zhou Enlai's request to Stalin to supply more anti-epidemiological aid to China.",
        document_type="Ciphered Telegram",
        creators=(ZHOU,),
        recipients=(STALIN,),
    ),
    _listed(
        100115,
        "1952-03-14",
        "Cable, Filippov [Stalin] to Zhou Enlai",
        "Stalin replies to China's request for specialists, medication, and vaccinations.",
        document_type="Cable",
        creators=(STALIN,),
        recipients=(ZHOU,),
    ),
    _listed(
        100116,
        "1952-07-16",
        "Ciphered Telegram No. 4018 from Filippov [Stalin] to Mao Zedong via Krasovsky",
        "Stalin agrees with Mao's position on repatriation and says Kim Il Sung agrees as well.",
        document_type="Ciphered Telegram",
        creators=(STALIN,),
        recipients=(MAO,),
    ),
    _listed(
        100117,
        "1952-07-18",
        "Ciphered Telegram No. 21646 from Mao Zedong to Filippov [Stalin] conveying 15 July "
        "1952 telegram from Mao to Kim Il Sung and 16 July 1952 reply from Kim to Mao",
        "A two-part telegram from Mao to Stalin forwarding to the latter, an exchange which "
        "occurred between him and Kim Il Sung.",
        document_type="Ciphered Telegram",
        creators=(MAO,),
        recipients=(STALIN,),
    ),
    _listed(
        100118,
        "1952-07-26",
        "Cable, Zhou Enlai to the Chairman [Mao Zedong] and Comrades Liu [Shaoqi], Zhu [De], "
        "Peng [Dehuai], [Li] Fuchun, and Su Yu",
        "Zhou Enlai shares a draft telegram with Mao Zedong.",
        document_type="Cable",
        creators=(ZHOU,),
        recipients=(MAO, "Liu Shaoqi", "Zhu De", "Peng Dehuai", "Li Fuchun", "Su Yu"),
        language="zh",
    ),
    _listed(
        100119,
        "1952-07-27",
        "Letter, Mao Zedong to Comrade Filippov [Stalin]",
        "Mao Zedong briefs Stalin on the proposed itinerary of a delegation to Moscow led by "
        "Zhou Enlai.",
        document_type="Letter",
        creators=(MAO,),
        recipients=(STALIN,),
        language="zh",
    ),
    _listed(
        100120,
        "1952-08-18",
        "Report, Zhou Enlai to Chairman Mao [Zedong] and the Central Committee",
        "Zhou reports on the initial plans for his visit to Moscow and some of the "
        "conversations he's held concerning the Korean War.",
        document_type="Report",
        creators=(ZHOU,),
        recipients=(MAO, CCP_CC),
        language="zh",
    ),
)

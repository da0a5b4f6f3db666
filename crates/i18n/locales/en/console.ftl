# The moderators' console (pages/console): one id per string of
# its templates (console*.html), of the words its handlers compose (pages/console/words.rs) and
# of the messages its script reads from data attributes. $id, $n, $count: numbers; $actor,
# $holder, $author: user names (isolated); $decision, $category: words of this catalogue.

console-title = Moderation
console-tab-pending = Pending
console-tab-approved = Approved
console-tab-rejected = Rejected
console-tab-log = Decision log
console-queues = Queues
console-oldest-waits = Oldest pending comment waits { $wait }
console-nothing-waits = Nothing waits
console-keys-button = Keys
console-keys-title = Keyboard (?)
console-undo = Undo

## Filters

console-filter-article = Article
console-filter-language = Language
console-filter-category = Category
console-filter-engine = Engine
console-filter-all = All
console-filter-engine-review = sent for review
console-filter-engine-auto = decided alone
console-filter-score-from = Score from
console-filter-score-to = to
console-filter-author = Author
console-filter-author-hint = name or e-mail
console-filter-search = Search
console-filter-submit = Filter
console-filter-clear = Clear

## The decision log

console-log-when = When
console-log-comment = Comment
console-log-who = Who
console-log-decision = Decision
console-log-note = Note
console-log-risk = Risk
console-log-empty = No decisions yet.
console-decision-approve = approved
console-decision-reject = rejected
console-decision-review = sent for review
console-by-engine = engine
console-current = current

## Bulk decisions

console-selected = { $count } selected
console-bulk-guideline = Guideline broken by the selected comments
console-guideline-choose = Guideline…
console-approve-selected = Approve selected
console-reject-selected = Reject selected
console-empty = Nothing here.
console-next-page = Next page

## A comment's card

console-select-comment = Select comment { $id } (x)
console-card-on = on
console-card-risk = risk { $risk }
console-card-by = by { $actor }
console-claimed-by = Claimed by { $holder }.
console-card-checking = Being checked by the encoder: its decision may still come.
console-card-encoder-absent = The encoder stage was absent: only the fast stages read this comment.
console-in-reply-to = In reply to { $author }:
console-evidence = Evidence:
console-closest-paragraph = Closest paragraph of the article:
console-alike =
    Alike pending: { $near ->
        [one] { $near } near-duplicate
       *[other] { $near } near-duplicates
    } · { $author } same author · { $link } same link
console-select-alike = Select all alike
console-author-history =
    Author history: { $total ->
        [one] { $total } earlier
       *[other] { $total } earlier
    }
console-author-rejected = { $percent } % rejected
console-no-history = No earlier comments by this e-mail or address.
console-history-counts = { $approved } approved, { $rejected } rejected.
console-approve = Approve
console-reject = Reject
console-history = History
console-history-overturn = History and overturn
console-open-article = Open article

## A comment's history

console-history-title = Comment { $id }: history
console-history-heading = Comment { $id }: every decision
console-back-to-queue = ← Queue
console-overturn-heading = Re-decide (overturn)
console-reject-as = Reject as
console-note-why = Note (why)
console-overturn-submit = Record the new decision
console-overturn-kept = The earlier decisions stay in this history.
console-back = Back to the queue

## The keyboard map

console-keys-next = next / previous comment
console-keys-approve = approve
console-keys-reject = reject as the engine's category
console-keys-reject-as = reject as profanity, vulgarity, threat, personal attack, identity abuse, promotion, off topic
console-keys-select = select or unselect
console-keys-bulk = approve / reject the selection
console-keys-alike = select all alike (near-duplicates, same author, same link)
console-keys-history = author history
console-keys-open = open the article
console-keys-undo = undo your last decision (within 10 s)
console-keys-search = search
console-keys-map = this map; Esc closes it
console-keys-close = Close

## Notices

console-decided = Comment { $id } decided.
console-undone = Decision on comment { $id } undone: it waits in the queue again.
console-overturned = Comment { $id } re-decided; its earlier decisions stay in its history.
console-note-required = An overturn needs a note saying why.
console-no-selection = Select at least one comment first.
console-bulk-decided = { $count } decided
console-bulk-already = { $count } already decided meanwhile (left as they were)
console-bulk-claimed = { $count } claimed by another moderator
console-bulk-missing = { $count } not found
console-wait-under-minute = under a minute
console-wait-minutes = { $minutes } min
console-wait-hours = { $hours } h { $minutes } min
console-wait-days =
    { $days ->
        [one] { $days } day
       *[other] { $days } days
    }

## The script's messages (data-msg-* attributes)

console-msg-already-decided = This comment was decided meanwhile by another moderator; nothing was changed. Open its history to overturn that decision.
console-msg-claimed-by-other = Another moderator is working on this comment; it is theirs to decide until their claim expires.
console-msg-not-found = This comment no longer exists.
console-msg-choose-category = Choose the guideline it breaks first (keys 1–7).
console-msg-no-selection = Select comments first (x, or s for all alike).
console-msg-nothing-to-undo = Nothing to undo: only your last decision, within 10 seconds.
console-msg-undo-expired = Too late to undo; overturn it from its history instead.
console-msg-undone = Undone: the comment waits in the queue again.
console-msg-decided = Decided. Press u within 10 s to undo.
console-msg-failed = That did not work; reload the page and try again.
# The script puts its own values where these placeholders stand: render them with the
# arguments "{actor}", "{decision}", "{n}", "{decided}" and "{refused}".
console-msg-decided-meanwhile = { $actor } decided this comment meanwhile ({ $decision }).
console-msg-new-comments = { $n } new comments are waiting: reload to see them.
console-msg-bulk-done = { $decided } decided, { $refused } left as they were.

## Labels, statuses and the form's expiry

# The engine explains itself in English only; the label says so.
console-engine-reasons = The engine's reasons (in English):
console-guideline-broken = Guideline broken
console-note-optional = Note (optional)
console-form-expired = This form has expired. Reload the queue and decide again.
console-status-pending = pending
console-status-approved = approved
console-status-rejected = rejected
console-bulk-summary = { $parts }.
console-list-separator = {", "}
console-keys-heading = Keyboard

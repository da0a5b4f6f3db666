# ڕووکاری چاودێران (کێشەی 12).
# هەموو ئەم پەڕگەیە پێویستی بە پێداچوونەوەی ئاخێوەرێکی زگماکە (needs native review).

console-title = چاودێری
console-tab-pending = چاوەڕێی بڕیار
console-tab-approved = پەسەندکراو
console-tab-rejected = ڕەتکراوە
console-tab-log = تۆماری بڕیارەکان
console-queues = ڕیزەکان
console-oldest-waits = کۆنترین لێدوان { $wait } چاوەڕێ دەکات
console-nothing-waits = هیچ شتێک چاوەڕێ ناکات
console-keys-button = کلیلەکان
console-keys-title = تەختەکلیل (?)
console-undo = گەڕاندنەوە

## پاڵاوتن

console-filter-article = وتار
console-filter-language = زمان
console-filter-category = جۆر
console-filter-engine = بزوێنەری ئۆتۆماتیکی
console-filter-all = هەموو
console-filter-engine-review = نێردراو بۆ پێداچوونەوە
console-filter-engine-auto = بە تەنیا بڕیاری داوە
console-filter-score-from = نمرە لە
console-filter-score-to = تا
console-filter-author = نووسەر
console-filter-author-hint = ناو یان ئیمەیڵ
console-filter-search = گەڕان
console-filter-submit = پاڵاوتن
console-filter-clear = سڕینەوە

## تۆماری بڕیارەکان

console-log-when = کەی
console-log-comment = لێدوان
console-log-who = کێ
console-log-decision = بڕیار
console-log-note = تێبینی
console-log-risk = مەترسی
console-log-empty = هێشتا هیچ بڕیارێک نییە.
console-decision-approve = پەسەندکراو
console-decision-reject = ڕەتکراوە
console-decision-review = نێردراو بۆ پێداچوونەوە
console-by-engine = بزوێنەر
console-current = ئێستا

## بڕیاری بەکۆمەڵ

console-selected = { $count } هەڵبژێردراو
console-bulk-guideline = ئەو ڕێنماییەی لێدوانە هەڵبژێردراوەکان پێشێلی دەکەن
console-guideline-choose = ڕێنمایی…
console-approve-selected = پەسەندکردنی هەڵبژێردراوەکان
console-reject-selected = ڕەتکردنەوەی هەڵبژێردراوەکان
console-empty = هیچ شتێک لێرە نییە.
console-next-page = پەڕەی دواتر

## کارتی لێدوان

console-select-comment = هەڵبژاردنی لێدوانی { $id } (x)
console-card-on = لەسەر
console-card-risk = مەترسی { $risk }
console-card-by = لەلایەن { $actor }
console-claimed-by = { $holder } خەریکی ئەم لێدوانەیە.
console-card-checking = لە لایەن ئینکۆدەرەوە دەپشکنرێت: لەوانەیە بڕیارەکەی هێشتا بێت.
console-card-encoder-absent = قۆناغی ئینکۆدەر ئامادە نەبوو: تەنیا قۆناغە خێراکان ئەم لێدوانەیان خوێندەوە.
console-in-reply-to = وەڵامی { $author }:
console-evidence = بەڵگە:
console-closest-paragraph = نزیکترین بڕگەی وتارەکە:
console-alike = هاوشێوەی چاوەڕێ: { $near } نزیک لە دووبارە · { $author } هەمان نووسەر · { $link } هەمان بەستەر
console-select-alike = هەڵبژاردنی هەموو هاوشێوەکان
console-author-history = مێژووی نووسەر: { $total } پێشوو
console-author-rejected = { $percent }٪ ڕەتکراوە
console-no-history = هیچ لێدوانێکی پێشوو لەم ئیمەیڵ یان ناونیشانەوە نییە.
console-history-counts = { $approved } پەسەندکراو، { $rejected } ڕەتکراوە.
console-approve = پەسەندکردن
console-reject = ڕەتکردنەوە
console-history = مێژوو
console-history-overturn = مێژوو و گۆڕینی بڕیار
console-open-article = کردنەوەی وتار

## مێژووی لێدوان

console-history-title = لێدوانی { $id }: مێژوو
console-history-heading = لێدوانی { $id }: هەموو بڕیارەکان
console-back-to-queue = → ڕیز
console-overturn-heading = بڕیاری نوێ (هەڵوەشاندنەوەی بڕیاری پێشوو)
console-reject-as = ڕەتکردنەوە وەک
console-note-why = تێبینی (بۆچی)
console-overturn-submit = تۆمارکردنی بڕیاری نوێ
console-overturn-kept = بڕیارە پێشووەکان لەم مێژووەدا دەمێننەوە.
console-back = گەڕانەوە بۆ ڕیز

## نەخشەی کلیلەکان

console-keys-next = لێدوانی دواتر / پێشوو
console-keys-approve = پەسەندکردن
console-keys-reject = ڕەتکردنەوە بە جۆری بزوێنەرەکە
console-keys-reject-as = ڕەتکردنەوە وەک جنێو، قسەی نەشیاو، هەڕەشە، هێرشی کەسی، سووکایەتی بە ناسنامە، ڕیکلام، دوور لە بابەت
console-keys-select = هەڵبژاردن یان لابردنی هەڵبژاردن
console-keys-bulk = پەسەندکردن / ڕەتکردنەوەی هەڵبژێردراوەکان
console-keys-alike = هەڵبژاردنی هەموو هاوشێوەکان (نزیک لە دووبارە، هەمان نووسەر، هەمان بەستەر)
console-keys-history = مێژووی نووسەر
console-keys-open = کردنەوەی وتار
console-keys-undo = گەڕاندنەوەی دوایین بڕیارت (لە ماوەی ١٠ چرکەدا)
console-keys-search = گەڕان
console-keys-map = ئەم نەخشەیە؛ Esc دایدەخات
console-keys-close = داخستن

## ئاگادارکردنەوەکان

console-decided = بڕیار لەسەر لێدوانی { $id } درا.
console-undone = بڕیاری لێدوانی { $id } گەڕێندرایەوە: دیسان لە ڕیزدا چاوەڕێ دەکات.
console-overturned = بڕیاری نوێ لەسەر لێدوانی { $id } درا؛ بڕیارە پێشووەکانی لە مێژووەکەیدا دەمێننەوە.
console-note-required = هەڵوەشاندنەوەی بڕیار پێویستی بە تێبینییەکە کە هۆکارەکەی بڵێت.
console-no-selection = سەرەتا لانیکەم یەک لێدوان هەڵبژێرە.
console-bulk-decided = بڕیار لەسەر { $count } درا
console-bulk-already = { $count } لەو کاتەدا بڕیاریان لەسەر درابوو (وەک خۆیان مانەوە)
console-bulk-claimed = { $count } چاودێرێکی تر خەریکیانە
console-bulk-missing = { $count } نەدۆزرانەوە
console-wait-under-minute = کەمتر لە خولەکێک
console-wait-minutes = { $minutes } خولەک
console-wait-hours = { $hours } کاتژمێر و { $minutes } خولەک
console-wait-days = { $days } ڕۆژ

## پەیامەکانی سکریپت

console-msg-already-decided = لەو کاتەدا چاودێرێکی تر بڕیاری لەسەر ئەم لێدوانە دا؛ هیچ نەگۆڕا. مێژووەکەی بکەرەوە بۆ هەڵوەشاندنەوەی ئەو بڕیارە.
console-msg-claimed-by-other = چاودێرێکی تر خەریکی ئەم لێدوانەیە؛ تا کاتی گرتنەکەی تەواو دەبێت بڕیارەکە هی ئەوە.
console-msg-not-found = ئەم لێدوانە ئیتر بوونی نییە.
console-msg-choose-category = سەرەتا ئەو ڕێنماییە هەڵبژێرە کە پێشێلی دەکات (کلیلەکانی ١–٧).
console-msg-no-selection = سەرەتا لێدوان هەڵبژێرە (x، یان s بۆ هەموو هاوشێوەکان).
console-msg-nothing-to-undo = هیچ شتێک نییە بۆ گەڕاندنەوە: تەنیا دوایین بڕیارت، لە ماوەی ١٠ چرکەدا.
console-msg-undo-expired = درەنگە بۆ گەڕاندنەوە؛ لە جیاتی ئەوە لە مێژووەکەیەوە بڕیارەکە بگۆڕە.
console-msg-undone = گەڕێندرایەوە: لێدوانەکە دیسان لە ڕیزدا چاوەڕێ دەکات.
console-msg-decided = بڕیار درا. لە ماوەی ١٠ چرکەدا u دابگرە بۆ گەڕاندنەوە.
console-msg-failed = سەرکەوتوو نەبوو؛ پەڕەکە نوێ بکەرەوە و دووبارە هەوڵ بدەرەوە.
console-msg-decided-meanwhile = لەو کاتەدا { $actor } بڕیاری لەسەر ئەم لێدوانە دا ({ $decision }).
console-msg-new-comments = { $n } لێدوانی نوێ چاوەڕێ دەکەن: نوێ بکەرەوە بۆ بینینیان.
console-msg-bulk-done = بڕیار لەسەر { $decided } درا، { $refused } وەک خۆیان مانەوە.

## Labels, statuses and the form's expiry

# The engine explains itself in English only; the label says so.
console-engine-reasons = هۆکارەکانی بزوێنەرە ئۆتۆماتیکییەکە (بە ئینگلیزی):
console-guideline-broken = ڕێنمایی پێشێلکراو
console-note-optional = تێبینی (ئارەزوومەندانە)
console-form-expired = ماوەی ئەم فۆرمە تەواو بووە. ڕیزەکە نوێ بکەرەوە و دووبارە بڕیار بدە.
console-status-pending = چاوەڕێی بڕیار
console-status-approved = پەسەندکراو
console-status-rejected = ڕەتکراوە
console-bulk-summary = { $parts }.
console-list-separator = {"، "}
console-keys-heading = تەختەکلیل

# پەڕەکانی Tribune بە کوردیی ناوەندی (سۆرانی). ژمارەکان بە ICU بە ژمارەی عەرەبیی ڕۆژهەڵاتی دەنووسرێن.
# هەموو ئەم پەڕگەیە پێویستی بە پێداچوونەوەی ئاخێوەرێکی زگماکە (needs native review).

## چوارچێوەی هەموو پەڕەیەک

nav-articles = وتارەکان
nav-queue = ڕیزی چاودێری
nav-login = چوونەژوورەوەی چاودێران
nav-logout = چوونەدەرەوە
nav-language = زمان
time-utc = { $time } (UTC)

## پەڕەی سەرەکی

index-title = وتارەکان
index-empty = هێشتا هیچ وتارێک نییە. ئیدیتۆرێک دەتوانێت بە فەرمانی { $command } وتار هاوردە بکات.
index-comment-count =
    { $count ->
        [one] { $count } لێدوان
       *[other] { $count } لێدوان
    }

## وتار و بەشی لێدوانەکان

article-comments-heading = لێدوانەکان ({ $count })
article-no-comments = هێشتا هیچ لێدوانێک بڵاو نەکراوەتەوە.
article-reply = وەڵام
article-post-heading = لێدوانێک بنووسە
article-replying-to = وەڵامدانەوەی { $author }.
article-cancel-reply = هەڵوەشاندنەوە
article-name = ناو
article-email = ئیمەیڵ
article-email-hint = (ئارەزوومەندانە، هەرگیز پیشان نادرێت)
article-comment = لێدوان
article-submit = ناردنی لێدوان
article-closed = لێدوان لەسەر ئەم وتارە داخراوە.

## پەڕەی دۆخی لێدوان بۆ نووسەرەکەی

status-title = لێدوانەکەت
status-article = لەسەر وتاری
status-pending = سوپاس. لێدوانەکەت چاوەڕێی چاودێرییە.
status-pending-explained = چاودێرێک پێش بڵاوکردنەوە هەموو لێدوانێک دەخوێنێتەوە. ئەم وێبگەڕە ئەنجامەکەت لەم پەڕەیەدا پیشان دەدات. بۆ ئەوەی دواتر لە شوێنێکی ترەوە بیبینیت، ئەم بەستەرە تایبەتە هەڵبگرە (تەنیا هی خۆتە؛ بە کەسی مەدە):
status-checking = سوپاس. لێدوانەکەت لە پشکنیندایە؛ ئەنجامەکە لەم پەڕەیەدا دەردەکەوێت.
status-approved = لێدوانەکەت پەسەند کرا و لە ژێر وتارەکەدا بڵاو کراوەتەوە.
status-rejected = لێدوانەکەت ڕەت کرایەوە: { $reason }.
status-rejected-no-reason = لێدوانەکەت ڕەت کرایەوە.
status-never-edited = لێدوان هەرگیز دەستکاری ناکرێت: هەر لێدوانێک بە تەواوی پەسەند دەکرێت یان ڕەت دەکرێتەوە. بەخێربێیت بۆ نووسینی لێدوانێکی نوێ کە لەگەڵ ڕێنماییەکان بگونجێت.
status-open-explained = ئەم پەڕەیە دۆخی لێدوانێک بە نووسەرەکەی پیشان دەدات. ئەو بەستەرە تایبەتە بکەرەوە کە لە کاتی ناردندا وەرتگرت، یان ئەو بەشەی دوای { $marker } لێرە دابنێ.
status-token-label = کۆدی بەستەری تایبەت
status-open-submit = لێدوانەکەم پیشان بدە
status-form-expired = ماوەی ئەم فۆرمە تەواو بووە. دووبارە بەستەرە تایبەتەکەت بکەرەوە.
status-wrong-token = ئەمە بەستەری تایبەتی ئەم لێدوانە نییە.

## چوونەژوورەوە

login-title = چوونەژوورەوە
login-heading = چوونەژوورەوەی چاودێران
login-username = ناوی بەکارهێنەر
login-password = وشەی نهێنی
login-submit = چوونەژوورەوە
login-form-expired = ماوەی ئەم فۆرمە تەواو بووە. تکایە دووبارە هەوڵ بدەرەوە.
login-bad-credentials = ناوی بەکارهێنەر نەناسراوە یان وشەی نهێنی هەڵەیە.

## ڕیزی چاودێری


## پەڕەکانی هەڵە

error-page-not-found = نەدۆزرایەوە
error-page-forbidden = ڕێگەپێدراو نییە
error-page-conflict = ئێستا ناکرێت
error-page-too-many = کەمێک هێواشتر
error-page-unavailable = دوای چرکەیەک دەگەڕێینەوە
error-page-timeout = داواکارییەکە زۆری خایاند
error-page-server = هەڵەیەک ڕوویدا
error-page-bad-request = داواکارییەکە کێشەی تێدایە
error-page-no-such-page = لەم ناونیشانەدا هیچ پەڕەیەک نییە.
error-page-failed = ڕاژەکار نەیتوانی ئەم پەڕەیە پیشان بدات؛ هەڵەکە تۆمار کرا.
error-page-back = گەڕانەوە بۆ وتارەکان

## فۆرمەکان کە ماوەیان تەواو بووە

article-form-expired = ماوەی ئەم فۆرمە تەواو بووە. بگەڕێوە، پەڕەکە نوێ بکەرەوە و دووبارە لێدوانەکەت بنێرە.
logout-form-expired = ماوەی ئەم فۆرمە تەواو بووە، بۆیە هێشتا لە ژوورەوەیت. پەڕەکە نوێ بکەرەوە و دووبارە بچۆ دەرەوە.

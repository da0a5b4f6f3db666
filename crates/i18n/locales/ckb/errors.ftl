# ئەوەی کەسێک دەیخوێنێتەوە کاتێک داواکارییەکەی ڕەت دەکرێتەوە.
# پێویستی بە پێداچوونەوەی ئاخێوەرێکی زگماکە (needs native review).

field-author_name = ناو
field-author_email = ئیمەیڵ
field-body = دەقی لێدوان
field-note = تێبینی
field-username = ناوی بەکارهێنەر
field-slug = ناونیشان
field-token = کۆدی بەستەری تایبەت

error-name_required = تکایە ناوێک بنووسە بۆ بڵاوکردنەوە
error-name_too_long = ناو دەبێت لە { $limit } پیت زیاتر نەبێت
error-bidi_control = { $field }: نیشانەی کۆنترۆڵی ئاراستەی { $character }ی تێدایە کە ڕیزبەندیی دەقی دوای ناوەکە دەگۆڕێت؛ لای ببە
error-control_character = { $field }: نیشانەی کۆنترۆڵی { $character } لە پیتی ژمارە { $position }دا هەیە؛ لای ببە
error-bad_email = ئەمە لە ناونیشانی ئیمەیڵ ناچێت
error-empty_body = لێدوانەکە بەتاڵە
error-body_too_long = لێدوانەکە { $length } پیتە؛ سنوورەکە { $limit }ە
error-note_too_long = تێبینی دەبێت لە { $limit } پیت زیاتر نەبێت
error-username_too_long = { $field }: لە هەموو ناوێکی بەکارهێنەر درێژترە
error-unknown_parent = ئەو لێدوانەی وەڵامی دەدەیتەوە بوونی نییە
error-comments_closed = لێدوان لەسەر ئەم وتارە داخراوە
error-unknown_article = وتارێکی وا نییە
error-unknown_comment = لێدوانێکی وا نییە
error-bad_token = ئەمە بەستەری تایبەتی ئەم لێدوانە نییە
error-malformed_form = فۆرمەکە نەخوێندرایەوە
error-bad_csrf = ماوەی ئەم فۆرمە تەواو بووە. بگەڕێوە، پەڕەکە نوێ بکەرەوە و دووبارە هەوڵ بدەرەوە.
error-forbidden = ئەم پەڕەیە بۆ چاودێرانە.
error-rate_limited = داواکاریی زۆر لە ناونیشانەکەتەوە هاتووە؛ دوای { $seconds } چرکە دووبارە هەوڵ بدەرەوە
error-login_throttled = لەم دواییانەدا هەوڵی چوونەژوورەوەی شکستخواردووی زۆر لەسەر ئەم هەژمارە هەبووە؛ لە وێبگەڕێکەوە کە پێشتر چووەتە ژوورەوە ئێستا دەتوانیت بچیتە ژوورەوە، ئەگینا دوای { $seconds } چرکە هەوڵ بدەرەوە
error-busy = ڕاژەکار سەرقاڵە؛ دوای کەمێک هەوڵ بدەرەوە
error-database_unavailable = بنکەدراوە بۆ ماوەیەکی کورت بەردەست نییە؛ دوای کەمێک هەوڵ بدەرەوە (لێدوانەکەت دوو جار هەڵناگیرێت)
error-idempotency_key_reused = ئەم فۆرمە بۆ لێدوانێکی تر بەکارهاتووە؛ پەڕەکە نوێ بکەرەوە بۆ نووسینی لێدوانێکی نوێ
error-already_decided = پێشتر بڕیار لەسەر ئەم لێدوانە دراوە
error-claimed_by_other = چاودێرێکی تر خەریکی بڕیاردانە لەسەر ئەم لێدوانە
error-bad_decision = پەسەندکردن یان ڕەتکردنەوە هەڵبژێرە
error-category_required = ڕەتکردنەوە پێویستی بەو ڕێنماییەیە کە پێشێل کراوە
error-bad_category = ئەمە جۆرێکی ڕێنمایی نییە
error-unauthenticated = سەرەتا بچۆ ژوورەوە
error-internal = ڕاژەکار نەیتوانی داواکارییەکە تەواو بکات؛ هەڵەکە تۆمار کرا
error-request_timeout = داواکارییەکە زۆری خایاند؛ دووبارە هەوڵ بدەرەوە
error-body_too_large = داواکارییەکە زۆر گەورەیە
error-overloaded = ڕاژەکار گەیشتووەتە سنووری خۆی؛ دوای کەمێک هەوڵ بدەرەوە
error-unknown_route = لەم ناونیشانەدا هیچ پەڕەیەک نییە
error-method_not_allowed = ئەم ناونیشانە ئەو جۆرە داواکارییە وەرناگرێت
error-bad_request = داواکارییەکە تێنەگەیشترا

## The moderators' console

error-nothing_to_undo = هیچ شتێک نییە بۆ گەڕاندنەوە: تەنیا دوایین بڕیارت، لە ماوەی ١٠ چرکەدا.
error-undo_expired = درەنگە بۆ گەڕاندنەوە؛ لە جیاتی ئەوە لە مێژووەکەیەوە بڕیارەکە بگۆڕە.
error-note_required = هەڵوەشاندنەوەی بڕیار پێویستی بە تێبینییەکە کە هۆکارەکەی بڵێت.
error-no_selection = سەرەتا لانیکەم یەک لێدوان هەڵبژێرە.
error-bad_ids = ژمارەی لێدوانەکان ژمارەی تەواون.
error-bad_score = نمرە ژمارەیەکە لە { 0 } تا { 1 }.
error-bad_queue = ڕیزەکە یەکێکە لەمانە: چاوەڕێی بڕیار، پەسەندکراو، ڕەتکراوە، تۆماری بڕیارەکان.
error-bad_lang = زمانێکی نەناسراو.
error-bad_engine = پاڵێوەری بزوێنەر یان «نێردراو بۆ پێداچوونەوە»یە یان «بە تەنیا بڕیاری دا».
error-bad_cursor = ناونیشانی ئەم پەڕەیە دروست نییە؛ لە ڕیزەکەوە دەست پێ بکەرەوە.

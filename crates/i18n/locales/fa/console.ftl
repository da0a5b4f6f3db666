# میز کار ناظران (مسئلهٔ ۱۲).

console-title = بررسی
console-tab-pending = در انتظار
console-tab-approved = پذیرفته‌شده
console-tab-rejected = ردشده
console-tab-log = دفتر تصمیم‌ها
console-queues = صف‌ها
console-oldest-waits = قدیمی‌ترین دیدگاه { $wait } است که در انتظار است
console-nothing-waits = چیزی در انتظار نیست
console-keys-button = کلیدها
console-keys-title = صفحه‌کلید (?)
console-undo = واگرد

## پالایه‌ها

console-filter-article = مطلب
console-filter-language = زبان
console-filter-category = دسته
console-filter-engine = سامانهٔ خودکار
console-filter-all = همه
console-filter-engine-review = فرستاده برای بررسی
console-filter-engine-auto = خودش تصمیم گرفته
console-filter-score-from = امتیاز از
console-filter-score-to = تا
console-filter-author = نویسنده
console-filter-author-hint = نام یا ایمیل
console-filter-search = جست‌وجو
console-filter-submit = پالایش
console-filter-clear = پاک کردن

## دفتر تصمیم‌ها

console-log-when = زمان
console-log-comment = دیدگاه
console-log-who = چه کسی
console-log-decision = تصمیم
console-log-note = یادداشت
console-log-risk = خطر
console-log-empty = هنوز تصمیمی نیست.
console-decision-approve = پذیرفته
console-decision-reject = رد شده
console-decision-review = فرستاده برای بررسی
console-by-engine = سامانهٔ خودکار
console-current = کنونی

## تصمیم گروهی

console-selected = { $count } برگزیده
console-bulk-guideline = رهنمودی که دیدگاه‌های برگزیده نقض می‌کنند
console-guideline-choose = رهنمود…
console-approve-selected = پذیرفتن برگزیده‌ها
console-reject-selected = رد کردن برگزیده‌ها
console-empty = اینجا چیزی نیست.
console-next-page = صفحهٔ بعد

## کارت دیدگاه

console-select-comment = برگزیدن دیدگاه { $id } (x)
console-card-on = دربارهٔ
console-card-risk = خطر { $risk }
console-card-by = به تصمیم { $actor }
console-claimed-by = { $holder } روی آن کار می‌کند.
console-card-checking = در حال بررسی رمزگذار: تصمیم آن ممکن است هنوز برسد.
console-card-encoder-absent = مرحلهٔ رمزگذار در دسترس نبود: فقط مرحله‌های سریع این دیدگاه را خواندند.
console-in-reply-to = در پاسخ به { $author }:
console-evidence = شواهد:
console-closest-paragraph = نزدیک‌ترین بند مطلب:
console-alike = مشابه‌های در انتظار: { $near } تقریباً تکراری · { $author } از همان نویسنده · { $link } با همان پیوند
console-select-alike = برگزیدن همهٔ مشابه‌ها
console-author-history = پیشینهٔ نویسنده: { $total } دیدگاه پیشین
console-author-rejected = { $percent }٪ رد شده
console-no-history = دیدگاه پیشینی از این ایمیل یا نشانی نیست.
console-history-counts = { $approved } پذیرفته، { $rejected } رد شده.
console-approve = پذیرفتن
console-reject = رد کردن
console-history = پیشینه
console-history-overturn = پیشینه و تغییر تصمیم
console-open-article = باز کردن مطلب

## پیشینهٔ دیدگاه

console-history-title = دیدگاه { $id }: پیشینه
console-history-heading = دیدگاه { $id }: همهٔ تصمیم‌ها
console-back-to-queue = → صف
console-overturn-heading = تصمیم دوباره (لغو تصمیم پیشین)
console-reject-as = رد کردن به دلیل
console-note-why = یادداشت (چرا)
console-overturn-submit = ثبت تصمیم تازه
console-overturn-kept = تصمیم‌های پیشین در این پیشینه می‌مانند.
console-back = بازگشت به صف

## نقشهٔ کلیدها

console-keys-next = دیدگاه بعدی / قبلی
console-keys-approve = پذیرفتن
console-keys-reject = رد کردن با دستهٔ سامانهٔ خودکار
console-keys-reject-as = رد کردن به‌عنوان ناسزا، سخن رکیک، تهدید، حملهٔ شخصی، توهین هویتی، تبلیغ، نامربوط
console-keys-select = برگزیدن یا برداشتن گزینش
console-keys-bulk = پذیرفتن / رد کردن برگزیده‌ها
console-keys-alike = برگزیدن همهٔ مشابه‌ها (تقریباً تکراری، همان نویسنده، همان پیوند)
console-keys-history = پیشینهٔ نویسنده
console-keys-open = باز کردن مطلب
console-keys-undo = واگرد آخرین تصمیم شما (تا ۱۰ ثانیه)
console-keys-search = جست‌وجو
console-keys-map = همین نقشه؛ Esc آن را می‌بندد
console-keys-close = بستن

## اعلان‌ها

console-decided = دربارهٔ دیدگاه { $id } تصمیم گرفته شد.
console-undone = تصمیم دربارهٔ دیدگاه { $id } واگرد شد: دوباره در صف انتظار است.
console-overturned = دربارهٔ دیدگاه { $id } دوباره تصمیم گرفته شد؛ تصمیم‌های پیشین در پیشینه‌اش می‌مانند.
console-note-required = تغییر تصمیم به یادداشتی نیاز دارد که دلیلش را بگوید.
console-no-selection = نخست دست‌کم یک دیدگاه برگزینید.
console-bulk-decided = دربارهٔ { $count } تصمیم گرفته شد
console-bulk-already = { $count } در این میان تصمیم گرفته شده بود (دست‌نخورده ماند)
console-bulk-claimed = { $count } در دست ناظری دیگر است
console-bulk-missing = { $count } پیدا نشد
console-wait-under-minute = کمتر از یک دقیقه
console-wait-minutes = { $minutes } دقیقه
console-wait-hours = { $hours } ساعت و { $minutes } دقیقه
console-wait-days = { $days } روز

## پیام‌های اسکریپت

console-msg-already-decided = در این میان ناظر دیگری دربارهٔ این دیدگاه تصمیم گرفت؛ چیزی تغییر نکرد. برای لغو آن تصمیم پیشینه‌اش را باز کنید.
console-msg-claimed-by-other = ناظر دیگری روی این دیدگاه کار می‌کند؛ تا پایان مهلتش تصمیم با اوست.
console-msg-not-found = این دیدگاه دیگر وجود ندارد.
console-msg-choose-category = نخست رهنمودی را که نقض می‌کند برگزینید (کلیدهای ۱ تا ۷).
console-msg-no-selection = نخست دیدگاه‌هایی برگزینید (x، یا s برای همهٔ مشابه‌ها).
console-msg-nothing-to-undo = چیزی برای واگرد نیست: فقط آخرین تصمیم شما، تا ۱۰ ثانیه.
console-msg-undo-expired = برای واگرد دیر است؛ به‌جای آن تصمیم را از پیشینه‌اش تغییر دهید.
console-msg-undone = واگرد شد: دیدگاه دوباره در صف انتظار است.
console-msg-decided = تصمیم گرفته شد. برای واگرد تا ۱۰ ثانیه کلید u را بزنید.
console-msg-failed = نشد؛ صفحه را دوباره بارگذاری کنید و دوباره تلاش کنید.
console-msg-decided-meanwhile = در این میان { $actor } دربارهٔ این دیدگاه تصمیم گرفت ({ $decision }).
console-msg-new-comments = { $n } دیدگاه تازه در انتظار است: برای دیدنشان دوباره بارگذاری کنید.
console-msg-bulk-done = دربارهٔ { $decided } تصمیم گرفته شد، { $refused } دست‌نخورده ماند.

## Labels, statuses and the form's expiry

# The engine explains itself in English only; the label says so.
console-engine-reasons = دلیل‌های سامانهٔ خودکار (به انگلیسی):
console-guideline-broken = رهنمود نقض‌شده
console-note-optional = یادداشت (اختیاری)
console-form-expired = مهلت این فرم تمام شده است. صف را دوباره بارگذاری کنید و دوباره تصمیم بگیرید.
console-status-pending = در انتظار
console-status-approved = پذیرفته
console-status-rejected = رد شده
console-bulk-summary = { $parts }.
console-list-separator = {"، "}
console-keys-heading = صفحه‌کلید

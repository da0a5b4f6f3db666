# آنچه کسی می‌خواند وقتی درخواستش پذیرفته نمی‌شود.

field-author_name = نام
field-author_email = ایمیل
field-body = متن دیدگاه
field-note = یادداشت
field-username = نام کاربری
field-slug = نشانی
field-token = کد پیوند خصوصی

error-name_required = لطفاً نامی برای انتشار بنویسید
error-name_too_long = نام حداکثر { $limit } نویسه می‌تواند باشد
error-bidi_control = { $field }: نویسهٔ کنترل جهت { $character } را دارد که ترتیب متن پس از نام را به هم می‌زند؛ آن را پاک کنید
error-control_character = { $field }: نویسهٔ کنترلی { $character } در نویسهٔ شمارهٔ { $position } دارد؛ آن را پاک کنید
error-bad_email = این به نشانی ایمیل شبیه نیست
error-empty_body = دیدگاه خالی است
error-body_too_long = دیدگاه { $length } نویسه دارد؛ حد مجاز { $limit } است
error-note_too_long = یادداشت حداکثر { $limit } نویسه می‌تواند باشد
error-username_too_long = { $field }: از هر نام کاربری ممکن بلندتر است
error-unknown_parent = دیدگاهی که به آن پاسخ می‌دهید وجود ندارد
error-comments_closed = امکان نوشتن دیدگاه برای این مطلب بسته است
error-unknown_article = چنین مطلبی وجود ندارد
error-unknown_comment = چنین دیدگاهی وجود ندارد
error-bad_token = این پیوند خصوصیِ این دیدگاه نیست
error-malformed_form = فرم خوانده نشد
error-bad_csrf = مهلت این فرم تمام شده است. برگردید، صفحه را دوباره بارگذاری کنید و دوباره تلاش کنید.
error-forbidden = این صفحه ویژهٔ ناظران است.
error-rate_limited = درخواست‌های بسیاری از نشانی شما آمده است؛ { $seconds } ثانیهٔ دیگر دوباره تلاش کنید
error-login_throttled = اخیراً ورودهای ناموفق بسیاری به این حساب شده است؛ از مرورگری که پیش‌تر به آن وارد شده می‌توانید همین حالا وارد شوید، وگرنه { $seconds } ثانیهٔ دیگر تلاش کنید
error-busy = سرور مشغول است؛ کمی بعد دوباره تلاش کنید
error-database_unavailable = پایگاه داده لحظاتی در دسترس نیست؛ کمی بعد تلاش کنید (دیدگاه شما دو بار ذخیره نمی‌شود)
error-idempotency_key_reused = این فرم برای دیدگاه دیگری به کار رفته است؛ برای دیدگاه تازه صفحه را دوباره بارگذاری کنید
error-already_decided = دربارهٔ این دیدگاه پیش‌تر تصمیم گرفته شده است
error-claimed_by_other = ناظر دیگری در حال بررسی این دیدگاه است
error-bad_decision = پذیرفتن یا رد کردن را برگزینید
error-category_required = رد کردن به رهنمود نقض‌شده نیاز دارد
error-bad_category = این یکی از دسته‌های رهنمودها نیست
error-unauthenticated = نخست وارد شوید
error-internal = سرور نتوانست درخواست را انجام دهد؛ خطا ثبت شد
error-request_timeout = درخواست بیش از حد طول کشید؛ دوباره تلاش کنید
error-body_too_large = درخواست بیش از حد بزرگ است
error-overloaded = سرور به حد خود رسیده است؛ کمی بعد تلاش کنید
error-unknown_route = در این نشانی صفحه‌ای نیست
error-method_not_allowed = این نشانی این نوع درخواست را نمی‌پذیرد
error-bad_request = درخواست فهمیده نشد

## The moderators' console

error-nothing_to_undo = چیزی برای واگرد نیست: فقط آخرین تصمیم شما، تا ۱۰ ثانیه.
error-undo_expired = برای واگرد دیر است؛ به‌جای آن تصمیم را از پیشینه‌اش تغییر دهید.
error-note_required = تغییر تصمیم به یادداشتی نیاز دارد که دلیلش را بگوید.
error-no_selection = نخست دست‌کم یک دیدگاه برگزینید.
error-bad_ids = شناسهٔ دیدگاه‌ها عدد صحیح است.
error-bad_score = امتیاز عددی از { 0 } تا { 1 } است.
error-bad_queue = صف یکی از این‌هاست: در انتظار، پذیرفته، رد شده، گزارش تصمیم‌ها.
error-bad_lang = زبان ناشناخته.
error-bad_engine = پالایهٔ موتور یا «فرستاده برای بررسی» است یا «تصمیم خودکار».
error-bad_cursor = نشانی این صفحه معتبر نیست؛ از صف دوباره شروع کنید.

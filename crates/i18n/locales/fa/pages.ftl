# صفحه‌های Tribune به فارسی. رقم‌ها فارسی و تاریخ‌ها به تقویم خورشیدی (ICU)، مگر آنکه نمونه تقویم میلادی را برگزیند.

## قاب همهٔ صفحه‌ها

nav-articles = مطالب
nav-queue = صف بررسی
nav-login = ورود ناظران
nav-logout = خروج
nav-language = زبان
time-utc = { $time } به وقت جهانی

## صفحهٔ نخست

index-title = مطالب
index-empty = هنوز مطلبی نیست. ویراستار می‌تواند با فرمان { $command } مطلب وارد کند.
index-comment-count =
    { $count ->
        [one] { $count } دیدگاه
       *[other] { $count } دیدگاه
    }

## مطلب و بخش دیدگاه‌ها

article-comments-heading = دیدگاه‌ها ({ $count })
article-no-comments = هنوز دیدگاهی منتشر نشده است.
article-reply = پاسخ
article-post-heading = دیدگاه خود را بنویسید
article-replying-to = در پاسخ به { $author }.
article-cancel-reply = انصراف
article-name = نام
article-email = ایمیل
article-email-hint = (اختیاری، هرگز نمایش داده نمی‌شود)
article-comment = دیدگاه
article-submit = ارسال دیدگاه
article-closed = امکان نوشتن دیدگاه برای این مطلب بسته است.

## صفحهٔ وضعیت دیدگاه برای نویسنده‌اش

status-title = دیدگاه شما
status-article = دربارهٔ مطلب
status-pending = سپاس. دیدگاه شما در انتظار بررسی است.
status-pending-explained = ناظری هر دیدگاه را پیش از انتشار می‌خواند. این مرورگر نتیجه را در همین صفحه به شما نشان می‌دهد. برای دیدن آن در جای دیگری در آینده، این پیوند خصوصی را نگه دارید (فقط از آنِ شماست؛ آن را با کسی در میان نگذارید):
status-checking = سپاس. دیدگاه شما در حال بررسی است؛ نتیجه در همین صفحه نمایش داده می‌شود.
status-approved = دیدگاه شما پذیرفته شد و زیر مطلب منتشر شده است.
status-rejected = دیدگاه شما رد شد: { $reason }.
status-rejected-no-reason = دیدگاه شما رد شد.
status-never-edited = دیدگاه‌ها هرگز ویرایش نمی‌شوند: هر دیدگاه یا به‌تمامی پذیرفته می‌شود یا رد. خوشحال می‌شویم دیدگاه تازه‌ای بنویسید که با رهنمودها سازگار باشد.
status-open-explained = این صفحه وضعیت یک دیدگاه را به نویسنده‌اش نشان می‌دهد. پیوند خصوصی‌ای را که هنگام ارسال گرفتید باز کنید، یا بخش پس از { $marker } را اینجا بچسبانید.
status-token-label = کد پیوند خصوصی
status-open-submit = دیدگاهم را نشان بده
status-form-expired = مهلت این فرم تمام شده است. پیوند خصوصی خود را دوباره باز کنید.
status-wrong-token = این پیوند خصوصیِ این دیدگاه نیست.

## ورود

login-title = ورود
login-heading = ورود ناظران
login-username = نام کاربری
login-password = گذرواژه
login-submit = ورود
login-form-expired = مهلت این فرم تمام شده است. لطفاً دوباره تلاش کنید.
login-bad-credentials = نام کاربری ناشناخته است یا گذرواژه نادرست است.

## صف بررسی


## صفحه‌های خطا

error-page-not-found = پیدا نشد
error-page-forbidden = مجاز نیست
error-page-conflict = اکنون ممکن نیست
error-page-too-many = کمی آهسته‌تر
error-page-unavailable = تا لحظه‌ای دیگر برمی‌گردیم
error-page-timeout = درخواست بیش از حد طول کشید
error-page-server = مشکلی پیش آمد
error-page-bad-request = درخواست ایرادی دارد
error-page-no-such-page = در این نشانی صفحه‌ای نیست.
error-page-failed = سرور نتوانست این صفحه را نشان دهد؛ خطا ثبت شد.
error-page-back = بازگشت به مطالب

## فرم‌هایی که مهلتشان گذشته است

article-form-expired = مهلت این فرم تمام شده است. برگردید، صفحه را دوباره بارگذاری کنید و دیدگاهتان را دوباره بفرستید.
logout-form-expired = مهلت این فرم تمام شده است، پس هنوز وارد هستید. صفحه را دوباره بارگذاری کنید و دوباره خارج شوید.

# صفحات Tribune بالعربية (الفصحى المعاصرة). الأرقام تُكتب بالأرقام العربية المشرقية عبر ICU.

## إطار كل صفحة

nav-articles = المقالات
nav-queue = قائمة الإشراف
nav-login = دخول المشرفين
nav-logout = تسجيل الخروج
nav-language = اللغة
time-utc = { $time } بالتوقيت العالمي

## الصفحة الأولى

index-title = المقالات
index-empty = لا توجد مقالات بعد. يمكن للمحرر استيرادها بالأمر { $command }.
index-comment-count =
    { $count ->
        [zero] لا تعليقات
        [one] تعليق واحد
        [two] تعليقان
        [few] { $count } تعليقات
        [many] { $count } تعليقًا
       *[other] { $count } تعليق
    }

## المقال وقسم التعليقات

article-comments-heading = التعليقات ({ $count })
article-no-comments = لا توجد تعليقات منشورة بعد.
article-reply = ردّ
article-post-heading = أضف تعليقًا
article-replying-to = ردًّا على { $author }.
article-cancel-reply = إلغاء
article-name = الاسم
article-email = البريد الإلكتروني
article-email-hint = (اختياري، ولا يُعرض أبدًا)
article-comment = التعليق
article-submit = أرسل التعليق
article-closed = التعليقات مغلقة على هذا المقال.

## صفحة حالة التعليق لكاتبه

status-title = تعليقك
status-article = على المقال
status-pending = شكرًا لك. تعليقك بانتظار المراجعة.
status-pending-explained = يقرأ أحد المشرفين كل تعليق قبل نشره. سيعرض لك هذا المتصفح النتيجة في هذه الصفحة. ولمعرفتها لاحقًا من مكان آخر، احتفظ بهذا الرابط الخاص (هو لك وحدك، فلا تشاركه):
status-checking = شكرًا لك. يجري فحص تعليقك، وستظهر النتيجة في هذه الصفحة.
status-approved = قُبل تعليقك وهو منشور تحت المقال.
status-rejected = رُفض تعليقك: { $reason }.
status-rejected-no-reason = رُفض تعليقك.
status-never-edited = لا نعدّل التعليقات أبدًا: يُقبل كل تعليق أو يُرفض كاملًا. يسعدنا أن تكتب تعليقًا جديدًا يلتزم بالإرشادات.
status-open-explained = تعرض هذه الصفحة حالة التعليق لكاتبه. افتح الرابط الخاص الذي حصلت عليه عند إرسال تعليقك، أو الصق هنا الجزء الذي يلي { $marker }.
status-token-label = رمز الرابط الخاص
status-open-submit = اعرض تعليقي
status-form-expired = انتهت صلاحية هذا النموذج. افتح رابطك الخاص مرة أخرى.
status-wrong-token = هذا ليس الرابط الخاص بهذا التعليق.

## تسجيل الدخول

login-title = تسجيل الدخول
login-heading = دخول المشرفين
login-username = اسم المستخدم
login-password = كلمة المرور
login-submit = دخول
login-form-expired = انتهت صلاحية هذا النموذج. حاول مرة أخرى.
login-bad-credentials = اسم المستخدم غير معروف أو كلمة المرور خاطئة.

## قائمة الإشراف


## صفحات الأخطاء

error-page-not-found = غير موجود
error-page-forbidden = غير مسموح
error-page-conflict = غير ممكن الآن
error-page-too-many = تمهّل قليلًا
error-page-unavailable = نعود بعد لحظة
error-page-timeout = استغرق الطلب وقتًا طويلًا
error-page-server = حدث خطأ ما
error-page-bad-request = في الطلب خطأ ما
error-page-no-such-page = لا توجد صفحة على هذا العنوان.
error-page-failed = تعذّر على الخادم عرض هذه الصفحة، وقد سُجّل الخطأ.
error-page-back = العودة إلى المقالات

## نماذج انتهت صلاحيتها

article-form-expired = انتهت صلاحية هذا النموذج. عُد وأعد تحميل الصفحة ثم أرسل تعليقك مرة أخرى.
logout-form-expired = انتهت صلاحية هذا النموذج، لذا ما زلت مسجّل الدخول. أعد تحميل الصفحة ثم سجّل الخروج مرة أخرى.

# ما يقرؤه الشخص حين يُرفض طلبه. $field: أحد رسائل field-*؛ $character: رمز بصيغة U+XXXX.

field-author_name = الاسم
field-author_email = البريد الإلكتروني
field-body = نص التعليق
field-note = الملاحظة
field-username = اسم المستخدم
field-slug = العنوان
field-token = رمز الرابط الخاص

error-name_required = يُرجى كتابة اسم تنشر به
error-name_too_long = لا يزيد الاسم على { $limit } حرفًا
error-bidi_control = { $field }: فيه محرف التحكم بالاتجاه { $character } الذي يقلب ترتيب النص بعد الاسم؛ احذفه
error-control_character = { $field }: فيه محرف التحكم { $character } عند الحرف رقم { $position }؛ احذفه
error-bad_email = لا يبدو هذا عنوان بريد إلكتروني
error-empty_body = التعليق فارغ
error-body_too_long = في التعليق { $length } حرفًا، والحد الأقصى { $limit }
error-note_too_long = لا تزيد الملاحظة على { $limit } حرف
error-username_too_long = { $field }: أطول من أي اسم مستخدم ممكن
error-unknown_parent = التعليق الذي تردّ عليه غير موجود
error-comments_closed = التعليقات مغلقة على هذا المقال
error-unknown_article = لا يوجد مقال كهذا
error-unknown_comment = لا يوجد تعليق كهذا
error-bad_token = هذا ليس الرابط الخاص بهذا التعليق
error-malformed_form = تعذّرت قراءة النموذج
error-bad_csrf = انتهت صلاحية هذا النموذج. عُد وأعد تحميل الصفحة ثم حاول مرة أخرى.
error-forbidden = هذه الصفحة للمشرفين.
error-rate_limited =
    { $seconds ->
        [one] طلبات كثيرة جدًا من عنوانك؛ حاول مرة أخرى بعد ثانية
        [two] طلبات كثيرة جدًا من عنوانك؛ حاول مرة أخرى بعد ثانيتين
        [few] طلبات كثيرة جدًا من عنوانك؛ حاول مرة أخرى بعد { $seconds } ثوانٍ
       *[other] طلبات كثيرة جدًا من عنوانك؛ حاول مرة أخرى بعد { $seconds } ثانية
    }
error-login_throttled =
    { $seconds ->
        [one] محاولات دخول فاشلة كثيرة على هذا الحساب مؤخرًا؛ يمكنك الدخول الآن من متصفح سبق أن دخل إليه، وإلا فحاول بعد ثانية
        [two] محاولات دخول فاشلة كثيرة على هذا الحساب مؤخرًا؛ يمكنك الدخول الآن من متصفح سبق أن دخل إليه، وإلا فحاول بعد ثانيتين
        [few] محاولات دخول فاشلة كثيرة على هذا الحساب مؤخرًا؛ يمكنك الدخول الآن من متصفح سبق أن دخل إليه، وإلا فحاول بعد { $seconds } ثوانٍ
       *[other] محاولات دخول فاشلة كثيرة على هذا الحساب مؤخرًا؛ يمكنك الدخول الآن من متصفح سبق أن دخل إليه، وإلا فحاول بعد { $seconds } ثانية
    }
error-busy = الخادم مشغول؛ حاول بعد لحظة
error-database_unavailable = قاعدة البيانات غير متاحة للحظات؛ حاول بعد قليل (لن يُحفظ تعليقك مرتين)
error-idempotency_key_reused = استُخدم هذا النموذج لتعليق آخر؛ أعد تحميل الصفحة لكتابة تعليق جديد
error-already_decided = سبق البتّ في هذا التعليق
error-claimed_by_other = مشرف آخر يراجع هذا التعليق
error-bad_decision = اختر القبول أو الرفض
error-category_required = يحتاج الرفض إلى الإرشاد المخالَف
error-bad_category = هذا ليس صنفًا من أصناف الإرشادات
error-unauthenticated = سجّل الدخول أولًا
error-internal = تعذّر على الخادم إتمام الطلب، وقد سُجّل الخطأ
error-request_timeout = استغرق الطلب وقتًا طويلًا؛ حاول مرة أخرى
error-body_too_large = الطلب أكبر من المسموح
error-overloaded = بلغ الخادم حدّه الأقصى؛ حاول بعد لحظة
error-unknown_route = لا توجد صفحة على هذا العنوان
error-method_not_allowed = لا يقبل هذا العنوان هذا النوع من الطلبات
error-bad_request = تعذّر فهم الطلب

## The moderators' console

error-nothing_to_undo = لا شيء للتراجع عنه: قرارك الأخير فقط، خلال ١٠ ثوانٍ.
error-undo_expired = فات أوان التراجع؛ انقض القرار من سجله بدلًا من ذلك.
error-note_required = يحتاج نقض القرار إلى ملاحظة تشرح السبب.
error-no_selection = حدِّد تعليقًا واحدًا على الأقل أولًا.
error-bad_ids = أرقام التعليقات أعداد صحيحة.
error-bad_score = الدرجة رقم بين { 0 } و{ 1 }.
error-bad_queue = قائمة الانتظار واحدة من: بانتظار القرار، المقبولة، المرفوضة، سجل القرارات.
error-bad_lang = لغة غير معروفة.
error-bad_engine = مرشّح المحرّك إما «أُرسل للمراجعة» أو «قرّر وحده».
error-bad_cursor = عنوان هذه الصفحة غير صالح؛ ابدأ من جديد من قائمة الانتظار.

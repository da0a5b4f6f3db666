# واجهة المشرفين (المسألة 12).

console-title = الإشراف
console-tab-pending = بانتظار القرار
console-tab-approved = مقبولة
console-tab-rejected = مرفوضة
console-tab-log = سجل القرارات
console-queues = القوائم
console-oldest-waits = أقدم تعليق ينتظر منذ { $wait }
console-nothing-waits = لا شيء ينتظر
console-keys-button = المفاتيح
console-keys-title = لوحة المفاتيح (?)
console-undo = تراجع

## عوامل التصفية

console-filter-article = المقال
console-filter-language = اللغة
console-filter-category = الصنف
console-filter-engine = المحرّك الآلي
console-filter-all = الكل
console-filter-engine-review = أُرسل للمراجعة
console-filter-engine-auto = قرّر وحده
console-filter-score-from = الدرجة من
console-filter-score-to = إلى
console-filter-author = الكاتب
console-filter-author-hint = الاسم أو البريد الإلكتروني
console-filter-search = بحث
console-filter-submit = صفِّ
console-filter-clear = امسح

## سجل القرارات

console-log-when = متى
console-log-comment = التعليق
console-log-who = من
console-log-decision = القرار
console-log-note = ملاحظة
console-log-risk = الخطورة
console-log-empty = لا قرارات بعد.
console-decision-approve = مقبول
console-decision-reject = مرفوض
console-decision-review = أُرسل للمراجعة
console-by-engine = المحرّك الآلي
console-current = الحالي

## القرارات الجماعية

console-selected =
    { $count ->
        [zero] لم يُحدَّد شيء
        [one] تعليق واحد محدَّد
        [two] تعليقان محدَّدان
        [few] { $count } تعليقات محدَّدة
        [many] { $count } تعليقًا محدَّدًا
       *[other] { $count } تعليق محدَّد
    }
console-bulk-guideline = الإرشاد الذي تخالفه التعليقات المحدَّدة
console-guideline-choose = الإرشاد…
console-approve-selected = اقبل المحدَّد
console-reject-selected = ارفض المحدَّد
console-empty = لا شيء هنا.
console-next-page = الصفحة التالية

## بطاقة التعليق

console-select-comment = حدِّد التعليق { $id } (x)
console-card-on = على
console-card-risk = الخطورة { $risk }
console-card-by = بقرار { $actor }
console-claimed-by = يعمل عليه { $holder }.
console-card-checking = قيد الفحص لدى المُرمِّز: قد يصدر قراره بعد.
console-card-encoder-absent = لم تكن مرحلة المُرمِّز متاحة: لم تقرأ هذا التعليق إلا المراحل السريعة.
console-in-reply-to = ردًّا على { $author }:
console-evidence = الأدلة:
console-closest-paragraph = أقرب فقرة من المقال:
console-alike = متشابهة بانتظار القرار: { $near } شبه مكرَّر · { $author } من الكاتب نفسه · { $link } بالرابط نفسه
console-select-alike = حدِّد كل المتشابه
console-author-history = سجل الكاتب: { $total } سابق
console-author-rejected = { $percent } ٪ مرفوضة
console-no-history = لا تعليقات سابقة من هذا البريد أو العنوان.
console-history-counts = { $approved } مقبول، { $rejected } مرفوض.
console-approve = اقبل
console-reject = ارفض
console-history = السجل
console-history-overturn = السجل وتغيير القرار
console-open-article = افتح المقال

## سجل التعليق

console-history-title = التعليق { $id }: السجل
console-history-heading = التعليق { $id }: كل القرارات
console-back-to-queue = → القائمة
console-overturn-heading = قرار جديد (نقض القرار السابق)
console-reject-as = ارفض بسبب
console-note-why = ملاحظة (لماذا)
console-overturn-submit = سجّل القرار الجديد
console-overturn-kept = تبقى القرارات السابقة في هذا السجل.
console-back = العودة إلى القائمة

## خريطة المفاتيح

console-keys-next = التعليق التالي / السابق
console-keys-approve = اقبل
console-keys-reject = ارفض بصنف المحرّك الآلي
console-keys-reject-as = ارفض بوصفه شتائم، بذاءة، تهديدًا، تهجّمًا شخصيًا، إساءة للهوية، ترويجًا، خارج الموضوع
console-keys-select = حدِّد أو ألغِ التحديد
console-keys-bulk = اقبل / ارفض المحدَّد
console-keys-alike = حدِّد كل المتشابه (شبه المكرَّر، الكاتب نفسه، الرابط نفسه)
console-keys-history = سجل الكاتب
console-keys-open = افتح المقال
console-keys-undo = تراجع عن قرارك الأخير (خلال ١٠ ثوانٍ)
console-keys-search = بحث
console-keys-map = هذه الخريطة؛ Esc يغلقها
console-keys-close = إغلاق

## الإشعارات

console-decided = تم البتّ في التعليق { $id }.
console-undone = أُلغي القرار في التعليق { $id }: عاد إلى قائمة الانتظار.
console-overturned = صدر قرار جديد في التعليق { $id }، وتبقى القرارات السابقة في سجله.
console-note-required = يحتاج نقض القرار إلى ملاحظة تشرح السبب.
console-no-selection = حدِّد تعليقًا واحدًا على الأقل أولًا.
console-bulk-decided = تم البتّ في { $count }
console-bulk-already = { $count } بُتّ فيها في الأثناء (تُركت كما هي)
console-bulk-claimed = { $count } يعمل عليها مشرف آخر
console-bulk-missing = { $count } غير موجودة
console-wait-under-minute = أقل من دقيقة
console-wait-minutes = { $minutes } د
console-wait-hours = { $hours } س { $minutes } د
console-wait-days =
    { $days ->
        [one] يوم واحد
        [two] يومين
        [few] { $days } أيام
       *[other] { $days } يومًا
    }

## رسائل البرنامج النصي

console-msg-already-decided = بتّ مشرف آخر في هذا التعليق في الأثناء، ولم يتغيّر شيء. افتح سجله لنقض ذلك القرار.
console-msg-claimed-by-other = مشرف آخر يعمل على هذا التعليق، والقرار له حتى تنتهي مدة حجزه.
console-msg-not-found = لم يعد هذا التعليق موجودًا.
console-msg-choose-category = اختر أولًا الإرشاد الذي يخالفه (المفاتيح ١–٧).
console-msg-no-selection = حدِّد تعليقات أولًا (x، أو s لكل المتشابه).
console-msg-nothing-to-undo = لا شيء للتراجع عنه: قرارك الأخير فقط، خلال ١٠ ثوانٍ.
console-msg-undo-expired = فات أوان التراجع؛ انقض القرار من سجله بدلًا من ذلك.
console-msg-undone = تم التراجع: عاد التعليق إلى قائمة الانتظار.
console-msg-decided = تم القرار. اضغط u خلال ١٠ ثوانٍ للتراجع.
console-msg-failed = لم ينجح ذلك؛ أعد تحميل الصفحة وحاول مرة أخرى.
console-msg-decided-meanwhile = بتّ { $actor } في هذا التعليق في الأثناء ({ $decision }).
console-msg-new-comments = { $n } تعليقات جديدة بالانتظار: أعد التحميل لرؤيتها.
console-msg-bulk-done = تم البتّ في { $decided }، وتُرك { $refused } كما هي.

## Labels, statuses and the form's expiry

# The engine explains itself in English only; the label says so.
console-engine-reasons = أسباب المحرّك الآلي (بالإنجليزية):
console-guideline-broken = الإرشاد المخالَف
console-note-optional = ملاحظة (اختيارية)
console-form-expired = انتهت صلاحية هذا النموذج. أعد تحميل قائمة الإشراف ثم اتخذ القرار مرة أخرى.
console-status-pending = بانتظار القرار
console-status-approved = مقبول
console-status-rejected = مرفوض
console-bulk-summary = { $parts }.
console-list-separator = {"، "}
console-keys-heading = لوحة المفاتيح

# Moderatör konsolu (konu 12).

console-title = Moderasyon
console-tab-pending = Bekleyenler
console-tab-approved = Onaylananlar
console-tab-rejected = Reddedilenler
console-tab-log = Karar kaydı
console-queues = Kuyruklar
console-oldest-waits = En eski bekleyen yorum { $wait } süredir bekliyor
console-nothing-waits = Bekleyen yok
console-keys-button = Tuşlar
console-keys-title = Klavye (?)
console-undo = Geri al

## Filtreler

console-filter-article = Haber
console-filter-language = Dil
console-filter-category = Kategori
console-filter-engine = Otomatik denetim
console-filter-all = Tümü
console-filter-engine-review = incelemeye gönderilen
console-filter-engine-auto = kendi karar verdiği
console-filter-score-from = Puan en az
console-filter-score-to = en çok
console-filter-author = Yazar
console-filter-author-hint = ad ya da e-posta
console-filter-search = Ara
console-filter-submit = Filtrele
console-filter-clear = Temizle

## Karar kaydı

console-log-when = Ne zaman
console-log-comment = Yorum
console-log-who = Kim
console-log-decision = Karar
console-log-note = Not
console-log-risk = Risk
console-log-empty = Henüz karar yok.
console-decision-approve = onaylandı
console-decision-reject = reddedildi
console-decision-review = incelemeye gönderildi
console-by-engine = otomatik denetim
console-current = geçerli

## Toplu kararlar

console-selected = { $count } seçili
console-bulk-guideline = Seçili yorumların ihlal ettiği kural
console-guideline-choose = Kural…
console-approve-selected = Seçilenleri onayla
console-reject-selected = Seçilenleri reddet
console-empty = Burada bir şey yok.
console-next-page = Sonraki sayfa

## Yorum kartı

console-select-comment = { $id } numaralı yorumu seç (x)
console-card-on = haber:
console-card-risk = risk { $risk }
console-card-by = karar veren: { $actor }
console-claimed-by = { $holder } üzerinde çalışıyor.
console-card-checking = Kodlayıcı denetliyor: kararı henüz gelebilir.
console-card-encoder-absent = Kodlayıcı aşaması yoktu: bu yorumu yalnızca hızlı aşamalar okudu.
console-in-reply-to = { $author } adlı kişiye yanıt:
console-evidence = Kanıt:
console-closest-paragraph = Haberin en yakın paragrafı:
console-alike = Benzer bekleyenler: { $near } neredeyse aynı · { $author } aynı yazar · { $link } aynı bağlantı
console-select-alike = Tüm benzerleri seç
console-author-history = Yazar geçmişi: { $total } önceki
console-author-rejected = %{ $percent } reddedildi
console-no-history = Bu e-posta ya da adresten önceki yorum yok.
console-history-counts = { $approved } onaylandı, { $rejected } reddedildi.
console-approve = Onayla
console-reject = Reddet
console-history = Geçmiş
console-history-overturn = Geçmiş ve kararı değiştir
console-open-article = Haberi aç

## Yorum geçmişi

console-history-title = { $id } numaralı yorum: geçmiş
console-history-heading = { $id } numaralı yorum: tüm kararlar
console-back-to-queue = ← Kuyruk
console-overturn-heading = Yeniden karar ver (önceki kararı boz)
console-reject-as = Şu gerekçeyle reddet
console-note-why = Not (neden)
console-overturn-submit = Yeni kararı kaydet
console-overturn-kept = Önceki kararlar bu geçmişte kalır.
console-back = Kuyruğa dön

## Tuş haritası

console-keys-next = sonraki / önceki yorum
console-keys-approve = onayla
console-keys-reject = otomatik denetimin kategorisiyle reddet
console-keys-reject-as = küfür, müstehcenlik, tehdit, kişisel saldırı, kimliğe yönelik nefret, tanıtım, konu dışı olarak reddet
console-keys-select = seç ya da seçimi kaldır
console-keys-bulk = seçilenleri onayla / reddet
console-keys-alike = tüm benzerleri seç (neredeyse aynı, aynı yazar, aynı bağlantı)
console-keys-history = yazar geçmişi
console-keys-open = haberi aç
console-keys-undo = son kararını geri al (10 saniye içinde)
console-keys-search = ara
console-keys-map = bu harita; Esc kapatır
console-keys-close = Kapat

## Bildirimler

console-decided = { $id } numaralı yorum karara bağlandı.
console-undone = { $id } numaralı yorumdaki karar geri alındı: yorum yeniden kuyrukta bekliyor.
console-overturned = { $id } numaralı yorum için yeniden karar verildi; önceki kararlar geçmişinde kalır.
console-note-required = Kararı bozmak için nedenini söyleyen bir not gerekli.
console-no-selection = Önce en az bir yorum seçin.
console-bulk-decided = { $count } karara bağlandı
console-bulk-already = { $count } bu arada zaten karara bağlanmıştı (olduğu gibi bırakıldı)
console-bulk-claimed = { $count } başka bir moderatörde
console-bulk-missing = { $count } bulunamadı
console-wait-under-minute = bir dakikadan az
console-wait-minutes = { $minutes } dk
console-wait-hours = { $hours } sa { $minutes } dk
console-wait-days = { $days } gün

## Betiğin mesajları

console-msg-already-decided = Bu yoruma bu arada başka bir moderatör karar verdi; hiçbir şey değişmedi. O kararı bozmak için geçmişini açın.
console-msg-claimed-by-other = Bu yorum üzerinde başka bir moderatör çalışıyor; süresi dolana kadar karar onundur.
console-msg-not-found = Bu yorum artık yok.
console-msg-choose-category = Önce ihlal ettiği kuralı seçin (1–7 tuşları).
console-msg-no-selection = Önce yorum seçin (x, ya da tüm benzerler için s).
console-msg-nothing-to-undo = Geri alınacak bir şey yok: yalnızca son kararınız, 10 saniye içinde.
console-msg-undo-expired = Geri almak için çok geç; bunun yerine kararı geçmişinden bozun.
console-msg-undone = Geri alındı: yorum yeniden kuyrukta bekliyor.
console-msg-decided = Karar verildi. Geri almak için 10 saniye içinde u tuşuna basın.
console-msg-failed = Bu işe yaramadı; sayfayı yenileyip yeniden deneyin.
console-msg-decided-meanwhile = Bu yoruma bu arada { $actor } karar verdi ({ $decision }).
console-msg-new-comments = { $n } yeni yorum bekliyor: görmek için yenileyin.
console-msg-bulk-done = { $decided } karara bağlandı, { $refused } olduğu gibi bırakıldı.

## Labels, statuses and the form's expiry

# The engine explains itself in English only; the label says so.
console-engine-reasons = Otomatik denetimin gerekçeleri (İngilizce):
console-guideline-broken = İhlal edilen kural
console-note-optional = Not (isteğe bağlı)
console-form-expired = Bu formun süresi doldu. Kuyruğu yenileyin ve yeniden karar verin.
console-status-pending = bekliyor
console-status-approved = onaylandı
console-status-rejected = reddedildi
console-bulk-summary = { $parts }.
console-list-separator = {", "}
console-keys-heading = Klavye

# Bir istek reddedildiğinde okunan metinler.

field-author_name = ad
field-author_email = e-posta
field-body = yorum metni
field-note = not
field-username = kullanıcı adı
field-slug = adres
field-token = özel bağlantı kodu

error-name_required = lütfen yorumun altında görünecek bir ad yazın
error-name_too_long = ad en fazla { $limit } karakter olabilir
error-bidi_control = { $field }: adın ardından gelen metnin sırasını değiştirecek { $character } yön denetim karakterini içeriyor; kaldırın
error-control_character = { $field }: { $position }. karakterde { $character } denetim karakterini içeriyor; kaldırın
error-bad_email = bu bir e-posta adresine benzemiyor
error-empty_body = yorum boş
error-body_too_long = yorum { $length } karakter; sınır { $limit }
error-note_too_long = not en fazla { $limit } karakter olabilir
error-username_too_long = { $field }: hiçbir kullanıcı adı bu kadar uzun olamaz
error-unknown_parent = yanıtladığınız yorum yok
error-comments_closed = bu habere yorum yapılamıyor
error-unknown_article = böyle bir haber yok
error-unknown_comment = böyle bir yorum yok
error-bad_token = bu, bu yorumun özel bağlantısı değil
error-malformed_form = form okunamadı
error-bad_csrf = Bu formun süresi doldu. Geri dönün, sayfayı yenileyin ve yeniden deneyin.
error-forbidden = Bu sayfa moderatörler içindir.
error-rate_limited = adresinizden çok fazla istek geldi; { $seconds } saniye sonra yeniden deneyin
error-login_throttled = bu hesapta son zamanlarda çok sayıda başarısız giriş oldu; daha önce bu hesaba giriş yapılmış bir tarayıcıdan şimdi girebilirsiniz, aksi hâlde { $seconds } saniye sonra yeniden deneyin
error-busy = sunucu meşgul; birazdan yeniden deneyin
error-database_unavailable = veritabanına kısa bir süre ulaşılamıyor; birazdan yeniden deneyin (yorumunuz iki kez kaydedilmez)
error-idempotency_key_reused = bu form başka bir yorum için kullanıldı; yeni bir yorum için sayfayı yenileyin
error-already_decided = bu yorum zaten karara bağlandı
error-claimed_by_other = bu yorumu başka bir moderatör değerlendiriyor
error-bad_decision = onaylamayı ya da reddetmeyi seçin
error-category_required = ret için ihlal edilen kural gerekli
error-bad_category = bu bir kural kategorisi değil
error-unauthenticated = önce giriş yapın
error-internal = sunucu isteği tamamlayamadı; hata kaydedildi
error-request_timeout = istek çok uzun sürdü; yeniden deneyin
error-body_too_large = istek çok büyük
error-overloaded = sunucu sınırına ulaştı; birazdan yeniden deneyin
error-unknown_route = bu adreste bir sayfa yok
error-method_not_allowed = bu adres bu tür bir isteği kabul etmiyor
error-bad_request = istek anlaşılamadı

## The moderators' console

error-nothing_to_undo = Geri alınacak bir şey yok: yalnızca son kararınız, 10 saniye içinde.
error-undo_expired = Geri almak için çok geç; bunun yerine kararı geçmişinden bozun.
error-note_required = Kararı bozmak için nedenini söyleyen bir not gerekli.
error-no_selection = Önce en az bir yorum seçin.
error-bad_ids = Yorum numaraları tam sayıdır.
error-bad_score = Puan 0 ile 1 arasında bir sayıdır.
error-bad_queue = Kuyruk şunlardan biridir: bekleyenler, onaylananlar, reddedilenler, karar kaydı.
error-bad_lang = Bilinmeyen dil.
error-bad_engine = Motor filtresi «incelemeye gönderildi» ya da «kendisi karar verdi» olabilir.
error-bad_cursor = Bu sayfanın adresi geçerli değil; kuyruktan yeniden başlayın.

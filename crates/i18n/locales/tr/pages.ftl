# Tribune'ün sayfaları Türkçe.

## Her sayfanın çerçevesi

nav-articles = Haberler
nav-queue = Moderasyon kuyruğu
nav-login = Moderatör girişi
nav-logout = Çıkış yap
nav-language = Dil
time-utc = { $time } UTC

## Ana sayfa

index-title = Haberler
index-empty = Henüz haber yok. Bir editör { $command } komutuyla haber ekleyebilir.
index-comment-count =
    { $count ->
        [one] { $count } yorum
       *[other] { $count } yorum
    }

## Haber ve yorumlar bölümü

article-comments-heading = Yorumlar ({ $count })
article-no-comments = Henüz yayımlanmış yorum yok.
article-reply = Yanıtla
article-post-heading = Yorum yazın
article-replying-to = { $author } adlı okura yanıt veriyorsunuz.
article-cancel-reply = Vazgeç
article-name = Ad
article-email = E-posta
article-email-hint = (isteğe bağlı, asla gösterilmez)
article-comment = Yorum
article-submit = Yorumu gönder
article-closed = Bu habere yorum yapılamıyor.

## Yazarın yorum durumu sayfası

status-title = Yorumunuz
status-article = Haber
status-pending = Teşekkürler. Yorumunuz moderasyon bekliyor.
status-pending-explained = Her yorum yayımlanmadan önce bir moderatör tarafından okunur. Sonucu bu tarayıcıda bu sayfada görebilirsiniz. Daha sonra başka bir yerden görmek için bu özel bağlantıyı saklayın (yalnızca size aittir, kimseyle paylaşmayın):
status-checking = Teşekkürler. Yorumunuz denetleniyor; sonuç bu sayfada görünecek.
status-approved = Yorumunuz onaylandı ve haberin altında yayımlandı.
status-rejected = Yorumunuz reddedildi: { $reason }.
status-rejected-no-reason = Yorumunuz reddedildi.
status-never-edited = Yorumlar asla düzenlenmez: her yorum bütünüyle onaylanır ya da reddedilir. Topluluk kurallarına uyan yeni bir yorum yazabilirsiniz.
status-open-explained = Bu sayfa bir yorumun durumunu yazarına gösterir. Yorumu gönderdiğinizde aldığınız özel bağlantıyı açın ya da { $marker } sonrasındaki kısmı buraya yapıştırın.
status-token-label = Özel bağlantı kodu
status-open-submit = Yorumumu göster
status-form-expired = Bu formun süresi doldu. Özel bağlantınızı yeniden açın.
status-wrong-token = Bu, bu yorumun özel bağlantısı değil.

## Giriş

login-title = Giriş
login-heading = Moderatör girişi
login-username = Kullanıcı adı
login-password = Parola
login-submit = Giriş yap
login-form-expired = Bu formun süresi doldu. Lütfen yeniden deneyin.
login-bad-credentials = Kullanıcı adı bilinmiyor ya da parola yanlış.

## Moderasyon kuyruğu


## Hata sayfaları

error-page-not-found = Bulunamadı
error-page-forbidden = İzin verilmiyor
error-page-conflict = Şu anda mümkün değil
error-page-too-many = Biraz yavaşlayın
error-page-unavailable = Birazdan dönüyoruz
error-page-timeout = İstek çok uzun sürdü
error-page-server = Bir şeyler ters gitti
error-page-bad-request = İstekte bir sorun var
error-page-no-such-page = Bu adreste bir sayfa yok.
error-page-failed = Sunucu bu sayfayı gösteremedi; hata kaydedildi.
error-page-back = Haberlere dön

## Süresi dolan formlar

article-form-expired = Bu formun süresi doldu. Geri dönün, sayfayı yenileyin ve yorumunuzu yeniden gönderin.
logout-form-expired = Bu formun süresi doldu, bu yüzden hâlâ oturumunuz açık. Sayfayı yenileyin ve yeniden çıkış yapın.

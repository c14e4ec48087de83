# The privacy page in French (/fr/vie-privee); its Dutch twin is ../nl-BE/privacy.ftl (/privacy).

privacy-page-title = Vie privée | Stembus
privacy-description = Ce que Stembus conserve à votre sujet lorsque vous votez dans un sondage des lecteurs, pourquoi et combien de temps.
privacy-title = Ce que Stembus conserve à votre sujet
privacy-intro = Stembus conserve le moins possible sur les votants : juste assez pour compter un vote par lecteur. Vous trouverez tout ci-dessous, avec les délais actuellement en vigueur.
privacy-cookie-title = Le cookie de vote
privacy-cookie-named = Qui vote reçoit dans son navigateur un cookie nommé
privacy-cookie-holds = . Il contient un code aléatoire de 32 caractères et rien d’autre : ni nom, ni adresse e-mail, ni adresse IP. Sans ce code, nous ne pourrions pas reconnaître un deuxième vote venant du même navigateur ; grâce à lui, un seul vote par lecteur compte pour chaque sondage, et vous retrouvez plus tard votre propre vote.
privacy-cookie-kept = Le navigateur conserve le cookie { $days }, à moins que vous ne l’effaciez avant. Qui efface le cookie ou utilise un autre navigateur peut voter à nouveau.
privacy-days =
    { $n ->
        [one] { $count } jour
       *[other] { $count } jours
    }
privacy-vote-title = Votre vote dans notre base de données
privacy-vote-kept = Avec votre vote, nous conservons le code du cookie, les réponses que vous avez choisies et l’heure. Le code ne sert qu’à écarter un deuxième vote.
privacy-removal-at-close = Dès qu’un sondage est clos, nous supprimons ces codes de tous les votes de ce sondage.
privacy-removal-after = { $days } après la clôture d’un sondage, nous supprimons ces codes de tous les votes de ce sondage.
privacy-vote-remains = Les votes et le résultat restent, mais ne peuvent plus être reliés à aucun navigateur.
privacy-memory = Pour vous montrer rapidement votre propre vote, le serveur le garde aussi un moment en mémoire, sous le même code. Là aussi, il disparaît au plus tard en même temps que les codes de la base de données.
privacy-flood-title = La protection contre les votes en masse
privacy-flood-limit = Pour éviter qu’un seul appareil ne submerge un sondage, une même adresse internet peut envoyer { $burst } coup sur coup, puis { $per-minute } par minute.
privacy-flood-hash = Pour cela, le serveur garde en mémoire une empreinte (hash) de votre adresse, calculée avec une clé secrète, jamais l’adresse elle-même. Chaque jour à minuit (UTC), une nouvelle clé la remplace et tout ce qui date de la veille est effacé. Rien de tout cela n’entre dans la base de données ni dans les journaux.
privacy-seen-title = Combien de fois un sondage a été vu
privacy-seen = Pour montrer à la rédaction combien de lecteurs ont vu la question, la page demande une image invisible d’un pixel dès que le sondage apparaît à l’écran. Le serveur ajoute alors une « vue » par sondage et par heure, et ne conserve rien d’autre : ni cookie, ni code, ni adresse IP. C’est une estimation : qui bloque les images n’est pas compté, et les robots ne sont écartés que comme pour le vote, par la même limite par adresse internet.
privacy-no-ip-title = Pas d’adresses IP
privacy-no-ip = Nous ne conservons aucune adresse IP : ni avec votre vote, ni dans la base de données, ni dans les journaux. Il n’y a ni traceurs ni publicité.
privacy-two-sites-title = Voter sur un autre site
privacy-two-sites = Si notre sondage figure dans un cadre sur le site d’un autre journal, votre navigateur y reçoit le cookie dès que le sondage s’affiche, avant même que vous votiez : c’est ainsi que nous savons, quand vous votez, que votre navigateur conserve le cookie dans le cadre ; un navigateur qui ne le fait pas pourrait voter à nouveau à chaque chargement. C’est le même code aléatoire, et rien d’autre, conservé séparément pour chaque site. Qui vote sur deux sites vote donc deux fois : les deux votes comptent dans le même résultat. Sur notre propre site, les versions néerlandaise et française d’un sondage comptent ensemble : vous votez une seule fois.

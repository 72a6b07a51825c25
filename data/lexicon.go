package data

// noun is a source noun with its target forms and grammatical gender.
type noun struct {
	en, enPl string
	de, dePl string
	gender   int // 0 masculine, 1 feminine, 2 neuter
}

// verb is a transitive source verb with its target forms.
type verb struct {
	en3, en   string // "sees", "see"
	de3, dePl string // "sieht", "sehen"
}

// adjective is a source adjective with its target stem.
type adjective struct{ en, de string }

var nouns = []noun{
	{"man", "men", "mann", "männer", 0}, {"dog", "dogs", "hund", "hunde", 0}, {"cat", "cats", "katze", "katzen", 1},
	{"house", "houses", "haus", "häuser", 2}, {"child", "children", "kind", "kinder", 2}, {"woman", "women", "frau", "frauen", 1},
	{"book", "books", "buch", "bücher", 2}, {"tree", "trees", "baum", "bäume", 0}, {"car", "cars", "auto", "autos", 2},
	{"table", "tables", "tisch", "tische", 0}, {"door", "doors", "tür", "türen", 1}, {"garden", "gardens", "garten", "gärten", 0},
	{"bird", "birds", "vogel", "vögel", 0}, {"flower", "flowers", "blume", "blumen", 1}, {"apple", "apples", "apfel", "äpfel", 0},
	{"city", "cities", "stadt", "städte", 1}, {"teacher", "teachers", "lehrer", "lehrerinnen", 0}, {"student", "students", "student", "studenten", 0},
	{"letter", "letters", "brief", "briefe", 0}, {"window", "windows", "fenster", "fensterchen", 2}, {"horse", "horses", "pferd", "pferde", 2},
	{"girl", "girls", "mädchen", "mädchenkinder", 2}, {"boy", "boys", "junge", "jungen", 0}, {"friend", "friends", "freund", "freunde", 0},
	{"song", "songs", "lied", "lieder", 2}, {"street", "streets", "straße", "straßen", 1}, {"chair", "chairs", "stuhl", "stühle", 0},
	{"lamp", "lamps", "lampe", "lampen", 1}, {"picture", "pictures", "bild", "bilder", 2}, {"king", "kings", "könig", "könige", 0},
	{"queen", "queens", "königin", "königinnen", 1}, {"river", "rivers", "fluss", "flüsse", 0}, {"mountain", "mountains", "berg", "berge", 0},
	{"ship", "ships", "schiff", "schiffe", 2}, {"bread", "breads", "brot", "brote", 2}, {"cup", "cups", "tasse", "tassen", 1},
	{"farmer", "farmers", "bauer", "bauern", 0}, {"doctor", "doctors", "arzt", "ärzte", 0}, {"nurse", "nurses", "pflegerin", "pflegerinnen", 1},
	{"egg", "eggs", "ei", "eier", 2}, {"key", "keys", "schlüssel", "schlüsselbunde", 0}, {"shoe", "shoes", "schuh", "schuhe", 0},
	{"clock", "clocks", "uhr", "uhren", 1}, {"pen", "pens", "stift", "stifte", 0}, {"bottle", "bottles", "flasche", "flaschen", 1},
	{"village", "villages", "dorf", "dörfer", 2}, {"bridge", "bridges", "brücke", "brücken", 1}, {"stone", "stones", "stein", "steine", 0},
	{"mouse", "mice", "maus", "mäuse", 1}, {"fish", "fishes", "fisch", "fische", 0}, {"cow", "cows", "kuh", "kühe", 1},
	{"pig", "pigs", "schwein", "schweine", 2}, {"sheep", "flocks", "schaf", "schafe", 2}, {"box", "boxes", "kiste", "kisten", 1},
	{"ring", "rings", "ring", "ringe", 0}, {"coat", "coats", "mantel", "mäntel", 0}, {"hat", "hats", "hut", "hüte", 0},
	{"boat", "boats", "boot", "boote", 2}, {"cake", "cakes", "kuchen", "kuchenstücke", 0}, {"bed", "beds", "bett", "betten", 2},
}

var verbs = []verb{
	{"sees", "see", "sieht", "sehen"}, {"likes", "like", "mag", "mögen"}, {"finds", "find", "findet", "finden"},
	{"buys", "buy", "kauft", "kaufen"}, {"sells", "sell", "verkauft", "verkaufen"}, {"paints", "paint", "malt", "malen"},
	{"hears", "hear", "hört", "hören"}, {"holds", "hold", "hält", "halten"}, {"carries", "carry", "trägt", "tragen"},
	{"visits", "visit", "besucht", "besuchen"}, {"needs", "need", "braucht", "brauchen"}, {"loves", "love", "liebt", "lieben"},
	{"opens", "open", "öffnet", "öffnen"}, {"knows", "know", "kennt", "kennen"}, {"builds", "build", "baut", "bauen"},
	{"washes", "wash", "wäscht", "waschen"}, {"draws", "draw", "zeichnet", "zeichnen"}, {"follows", "follow", "verfolgt", "verfolgen"},
	{"brings", "bring", "bringt", "bringen"}, {"catches", "catch", "fängt", "fangen"}, {"takes", "take", "nimmt", "nehmen"},
	{"gets", "get", "bekommt", "bekommen"}, {"hides", "hide", "versteckt", "verstecken"}, {"counts", "count", "zählt", "zählen"},
}

var adjectives = []adjective{
	{"big", "groß"}, {"small", "klein"}, {"old", "alt"}, {"young", "jung"}, {"red", "rot"}, {"blue", "blau"},
	{"green", "grün"}, {"happy", "froh"}, {"sad", "traurig"}, {"fast", "schnell"}, {"slow", "langsam"}, {"new", "neu"},
	{"beautiful", "schön"}, {"quiet", "leise"}, {"loud", "laut"}, {"rich", "reich"}, {"poor", "arm"}, {"strong", "stark"},
	{"tired", "müde"}, {"clever", "klug"}, {"brave", "mutig"}, {"wild", "wild"}, {"clean", "sauber"}, {"dirty", "schmutzig"},
}

// adverbs are sentence adverbs; in the target they follow the finite verb.
var adverbs = [][2]string{
	{"today", "heute"}, {"often", "oft"}, {"never", "nie"}, {"always", "immer"}, {"sometimes", "manchmal"},
	{"yesterday", "gestern"}, {"again", "wieder"}, {"gladly", "gern"},
}

// prepositions govern the dative in the target.
var prepositions = [][2]string{{"with", "mit"}, {"near", "bei"}, {"behind", "hinter"}, {"under", "unter"}, {"from", "von"}}

// conjunctions introduce a verb-final subordinate clause in the target.
var conjunctions = [][2]string{{"that", "dass"}, {"because", "weil"}, {"while", "während"}, {"although", "obwohl"}, {"if", "wenn"}}

// Target articles by case (0 nominative, 1 accusative, 2 dative), number
// (0 singular, 1 plural) and gender; definite and indefinite.
var definite = [3][2][3]string{
	{{"der", "die", "das"}, {"die", "die", "die"}},
	{{"den", "die", "das"}, {"die", "die", "die"}},
	{{"dem", "der", "dem"}, {"den", "den", "den"}},
}

var indefinite = [3][3]string{
	{"ein", "eine", "ein"}, {"einen", "eine", "ein"}, {"einem", "einer", "einem"},
}

// adjective endings after a definite article (weak) and after an
// indefinite one or none (mixed/strong), by case, number and gender.
var weakEnding = [3][2][3]string{
	{{"e", "e", "e"}, {"en", "en", "en"}},
	{{"en", "e", "e"}, {"en", "en", "en"}},
	{{"en", "en", "en"}, {"en", "en", "en"}},
}

var mixedEnding = [3][2][3]string{
	{{"er", "e", "es"}, {"e", "e", "e"}},
	{{"en", "e", "es"}, {"e", "e", "e"}},
	{{"en", "en", "en"}, {"en", "en", "en"}},
}

package bot

// spanishLexicon is the screener's Spanish data, written for how residents
// in US recovery homes write: Mexican and Latin American Spanish, with "tú",
// with or without accents (they are folded away before matching), and chat
// spellings ("q", "xq", "toy", "kiero"). Patterns follow the same rules as
// englishLexicon.
func spanishLexicon() *Lexicon {
	return &Lexicon{
		Lang: "es",
		Spellings: map[string]string{
			"q": "que", "k": "que", "ke": "que", "qe": "que", "xq": "porque", "pq": "porque", "porq": "porque",
			"xk": "porque", "pk": "porque", "porke": "porque", "x": "por", "tb": "tambien", "tmb": "tambien",
			"tmbn": "tambien", "toy": "estoy", "stoy": "estoy", "toi": "estoy", "tas": "estas", "ta": "esta",
			"pa": "para", "d": "de", "kiero": "quiero", "qiero": "quiero", "kero": "quiero", "qero": "quiero",
			"kisiera": "quisiera", "nadien": "nadie", "aki": "aqui", "bn": "bien", "nd": "nada", "nda": "nada",
			"otravez": "otra vez", "denuevo": "de nuevo", "ps": "pues", "xfa": "por favor", "ntp": "no te preocupes",
			"nomas": "nomas", "ahorita": "ahorita", "orita": "ahorita", "horita": "ahorita", "matarm": "matarme",
			"morirm": "morirme", "keria": "queria", "qeria": "queria", "bolvi": "volvi", "bolver": "volver", "bivir": "vivir", "suicidarm": "suicidarme",
		},
		Keywords: []string{
			"suicidarme", "suicida", "suicidio", "matarme", "morirme", "despertar", "desaparecer", "sobredosis",
			"pastillas", "recaida", "recaer", "consumir", "drogarme", "emborracharme", "emborrache", "lastimarme",
			"cortarme", "extranaria", "despedida", "quitarme", "ahorcarme",
		},
		RealWords: []string{"consume", "consumo", "consumen", "consumes", "recoger", "recorte", "cortarle", "matarte", "matarle"},
		Fragments: map[string]string{
			"ADV": `(?:ya|solo|nomas|namas|de verdad|neta|en serio|la neta|bien|muy|tan|nada mas|simplemente|realmente|tambien|a veces|todavia|aun|de plano|mejor|casi) `,
			// A wish or intention, before an infinitive.
			"QUIERO": `(?:quiero|queria|quisiera|deseo|necesito|tengo ganas de|me dan ganas de|siento ganas de|me gustaria|pienso|estoy pensando en|he pensado en|pensando en|pienso en|voy a|me voy a|estoy a punto de|a punto de|planeo|decidi|estoy listo para|estoy lista para|prefiero|seria mejor)`,
			"MORIR":  `(?:morir|morirme|estar muerto|estar muerta|dejar de existir|no despertar|no despertarme|no despertar nunca|dormir para siempre|dormirme para siempre|desaparecer para siempre|matarme|suicidarme|quitarme la vida|acabar con mi vida|acabar con todo|terminar con mi vida|terminar con todo|irme de este mundo|ya no estar aqui|ya no estar)`,
			"TIEMPO": `(?:anoche|ayer|hoy|esta noche|ahorita|ahora mismo|otra vez|de nuevo|este fin(?: de semana)?|el fin de semana|esta manana|esta tarde|esta semana|el sabado|el viernes|el domingo|despues del trabajo|hace (?:rato|unas horas|un rato|dos dias|unos dias))`,
			"DROGA":  `(?:droga|drogas|cristal|crystal|mota|coca|cocaina|perico|piedra|crack|heroina|chiva|fentanilo|fenta|pastillas|pastas|meth|metanfetamina|foco|vidrio|hielo)`,
			"TRAGO":  `(?:alcohol|un trago|unos tragos|tragos|una cerveza|cerveza|cervezas|una chela|unas chelas|chelas|cheve|caguama|una caguama|tequila|mezcal|vodka|whisky|ron|vino|una copa|unas copas|una botella|licor|pisto|guaro)`,
			"COLA":   `(?:$| (?:{TIEMPO}|{DROGA}|{TRAGO}|algo|tanto|mucho|demasiado|bien|cabron|un chingo|un monton|aunque|pero|y|ya|otra vez|de nuevo|poquito|un poco|bien feo|horrible))`,
			"MI":     `(?:mi mismo|mi misma|mi)`,
		},
		Ignore: []PhraseGroup{
			{About: "dichos con morir y matar", Patterns: []string{
				`(?:me muero|me mori|me estoy muriendo|muriendome|muero|morir|morirme|me voy a morir|me moria|muerto|muerta|me muera) de (?:hambre|risa|sueno|ganas de (?:ver|verte|verlos|conocer|ir|comer|dormir|salir|saber|llegar|que)|calor|frio|verguenza|aburrimiento|envidia|nervios|miedo|cansancio|la risa|pena|flojera|amor|emocion|tristeza por)`,
				`(?:me mata|me esta matando|me estan matando|me matan|me mato|me mataron|me va a matar|nos mata|me estoy matando) (?:el|la|los|las|este|esta|estos|estas|mi|mis|de risa|la espalda|el trabajo|trabajando|estudiando|en el trabajo|en el gym)`,
				`(?:matarme|matandome) (?:estudiando|trabajando|de risa|en el trabajo|en el gym|haciendo)`, `(?:mi|el) (?:celular|telefono|cel|carro|coche|bateria) (?:esta |se )?(?:muerto|murio|se murio)`,
				`(?:mi mama|mi jefa|mi papa|mi jefe|mi esposa|mi novia) me (?:va a )?mata(?:r)? si`, `muerto de (?:cansancio|hambre|sueno|risa)`,
			}},
			{About: "bebidas sin alcohol y otros sentidos de tomar", Patterns: []string{
				`(?:tomar|tome|tomo|tomando|tomamos|beber|bebi|bebo|bebiendo|un vaso de|una taza de) (?:mucha |mucho |un poco de |una |un |mas |el |la |mi |suficiente |bastante |harta |harto )*(?:agua|cafe|te|jugo|refresco|leche|soda|coca|coca cola|medicina|medicamento|mis medicinas|mi medicina|mis pastillas|vitaminas|el camion|el bus|el autobus|el metro|una decision|decisiones|un descanso|descanso|una foto|fotos|clases|apuntes|notas|aire|sol|el tren|un taxi|un uber|la ruta|atole|champurrado|horchata|jamaica|agua de \w+|en cuenta|turno|la palabra|asiento|la clase|nota|la iniciativa|el sol|una siesta|siesta)`,
				`(?:pastillas|pastilla) (?:para (?:el dolor de cabeza|la presion|dormir que me receto|la gripa|la alergia|el colesterol)|del doctor)`,
			}},
			{About: "accidentes, no autolesiones", Patterns: []string{
				`(?:me corte|me lastime|me queme|me golpee|me pegue|me cai|me lastimo) (?:el|la|los|las|un|una) (?:dedo|dedos|mano|manos|pie|rodilla|espalda|tobillo|brazo|cabeza|pierna|codo|muneca)(?: |$)`,
				`(?:me corte|me lastime|me queme|me golpee|me pegue|me cai) (?:cocinando|afeitandome|rasurandome|con (?:el|un|la|una) (?:papel|cuchillo|vidrio|sarten|estufa|plancha|aceite|lata|navaja de cocina)|en el (?:trabajo|gym|gimnasio|partido|futbol)|jugando|entrenando|haciendo|sin querer|por accidente|trabajando)`,
				`(?:cortarme|corte|cortar|cortarle|corto) (?:el|las|mis|la) (?:pelo|cabello|unas|barba|greña|grena)`, `me corte el pelo`,
			}},
			{About: "programas, platicas e historias", Patterns: []string{
				`prevencion (?:de|del) (?:recaidas|recaida|suicidio|sobredosis)`, `(?:linea|prevencion) (?:de|del) (?:la vida|suicidio|crisis)`,
				`(?:hablamos|hablaron|hablo|platicamos|platico|platicaron|aprendimos|leimos|vimos|compartio|compartieron) (?:de|sobre|acerca de) (?:las )?(?:recaidas|recaida|el suicidio|suicidio|sobredosis|consumo|los antojos|las ansias|los deseos de consumir)`,
			}},
		},
		Danger: []PhraseGroup{
			{About: "querer morir o matarse, dicho directo", Patterns: []string{
				`{QUIERO} (?:{ADV})?(?:{MORIR})`, `me (?:quiero|queria|voy a|pienso|puedo) (?:{ADV})?(?:morir|matar|suicidar|quitar la vida)`,
				`(?:matarme|suicidarme|quitarme la vida|ahorcarme|colgarme)`, `(?:pensamientos|ideas|ideacion|planes) (?:suicidas|de (?:matarme|suicidio|morir|quitarme la vida|suicidarme))`,
				`(?:estoy|me siento|ando|sigo|me he sentido) (?:{ADV})?suicida`, `(?:pensando|pienso|pense|he pensado) en (?:el )?suicidio`, `(?:intentar|intente|intento de) suicid`,
				`ojala (?:no (?:despertara|despierte|amanezca|despertar|despertarme|amaneciera)|me muriera|me hubiera muerto|estuviera muert[oa]|no despierte|no despertara|no hubiera nacido|nunca hubiera nacido|me atropellen|me atropellara|me pase algo|me diera algo)`,
				`(?:no|ya no|nunca) (?:{ADV})?(?:quiero|tengo ganas de|deseo) (?:{ADV})?(?:vivir|seguir viviendo|seguir aqui|estar aqui|existir|despertar|despertarme|abrir los ojos)(?:$| mas| ya| manana| nunca| en este mundo| asi)`,
				`(?:no|ya no) quiero seguir(?:$| asi| viviendo| aqui| en este mundo| mas)`, `(?:me canse|me harte|estoy cansad[oa]|estoy hart[oa]|cansad[oa]|hart[oa]) de (?:vivir|la vida|existir|estar viv[oa]|despertar)`, `me (?:quiero|voy a|gustaria) ir de este mundo`,
				`(?:no|ya no|nunca) (?:despierte|despertar|despertara|vuelva a despertar|volver a despertar|amanezca|amanecer)(?:$| nunca| mas| manana)`, `quiero que (?:todo|esto|el dolor|mi vida) (?:se )?(?:acabe|termine|pare)(?:$| ya| para siempre| de una vez)`,
				`no creo que (?:siga|este|vaya a estar|dure) (?:aqui |viv[oa] |por aqui )?(?:mucho tiempo|mucho|mas tiempo|por mucho)`,
				`(?:no tiene|ya no tiene|no le veo|ya no le veo|no le encuentro|ya no le encuentro|no encuentro|ya no encuentro|no veo) (?:ningun )?(?:sentido|razon) (?:a |de |para )?(?:vivir|seguir|la vida|nada|a la vida|a nada)`, `para que (?:sigo|seguir|vivo|vivir|sigo aqui|estoy aqui|sigo vivo|sigo viva)(?: viviendo)?`, `no vale la pena (?:vivir|seguir)`,
				`(?:no hay|no tengo) (?:razon|razones|motivo|motivos|para que|por que) (?:para |de )?(?:vivir|seguir)`, `(?:ya no aguanto|ya no puedo)(?: mas)?(?:$| la vida| vivir| con esto| con mi vida| asi)`,
				`(?:quiero|solo quiero|nomas quiero) desaparecer(?:$| para siempre| de este mundo| de aqui)`, `(?:me da igual|no me importa) (?:si )?(?:vivir o morir|morir|si me muero|si vivo o muero|despertar)`,
				`(?:deberia|mejor) (?:{ADV})?(?:morirme|estar muert[oa]|matarme|no existir|desaparecer)`, `(?:no merezco|no me merezco) (?:vivir|estar viv[oa]|existir)`,
			}},
			{About: "ser una carga, estar mejor sin mí", AnySubject: true, Patterns: []string{
				`(?:estarian|estaria|estarán|estaran|van a estar|estan|vivirian|seria) (?:{ADV})?mejor sin mi`, `mejor sin mi`,
				`(?:nadie|ni uno|ninguno) (?:me )?(?:extranaria|extranara|va a extranar|notaria|notara|se daria cuenta|lloraria|vendria a mi funeral)`,
				`(?:a nadie le|a nadie) (?:importaria|importa|va a importar|le importaria) (?:si )?(?:me muero|muero|desaparezco|me mato|me voy para siempre)`,
				`(?:soy|me siento|siento que soy) (?:{ADV})?(?:una carga|un estorbo|un peso) (?:para|pa)?`, `(?:soy|me siento) (?:una carga|un estorbo)`,
			}},
			{About: "despedidas", Patterns: []string{
				`(?:me despedi|me estoy despidiendo|despidiendome|ya me despedi|me voy a despedir) de (?:todos|todo el mundo|mi familia|mis hijos|ustedes|mi mama)`,
				`(?:esta es|este es|esto es) (?:mi )?(?:despedida|adios)`, `adios a todos(?:$| para siempre)`, `adios para siempre`, `carta de despedida`, `(?:cartas|carta|nota) (?:de despedida|suicida)`,
				`(?:diganle|dile|digan) a (?:mi|mis) (?:familia|hijos|hija|hijo|mama|papa|esposa) que (?:los|la|lo|le|les) (?:quiero|amo|quise)`,
				`(?:regale|estoy regalando|voy a regalar) (?:todas )?mis cosas`, `(?:no|ya no) (?:voy a estar|estare) (?:aqui|por aqui)? ?(?:manana|mucho tiempo|por mucho|para siempre)`,
				`(?:ya no|no) me van a (?:ver|volver a ver) (?:nunca|mas|otra vez)`, `(?:es|sera) (?:mi )?ultima noche`, `(?:este es|es|sera) mi ultimo (?:mensaje|dia|check in|adios)`, `(?:escogi|elegi|decidi|puse|ya tengo) (?:el|la) (?:dia|fecha|hora)$`, `^(?:perdon|perdonen|perdonenme|perdoname|lo siento) (?:por|de) todo$`, `no (?:es|fue|sera) culpa de nadie`, `si (?:manana )?no (?:contesto|respondo|despierto|me ven|saben de mi)`, `(?:meter|meterme|tomarme|usar|consumir|me quiero meter) todo lo que tengo`, `que sea (?:lo|la|el) ultim[oa]`,
				`(?:es|sera) la ultima vez que (?:escribo|me ven|me oyen|hablo|les escribo|saben de mi)`,
			}},
			{About: "un plan o un medio", Patterns: []string{
				`(?:ya )?tengo todo (?:planeado|listo|preparado)(?:$| para (?:esta noche|hoy|manana|el \w+))`, `(?:pistola|arma|soga|cuerda|pastillas|navaja)\b.* no (?:dejo|paro) de (?:verla|verlo|verlas|verlos|pensar)`, `(?:tengo|compre) una (?:pistola|arma) (?:en|guardada|escondida)`, `(?:tengo|compre|consegui|amarre) (?:una |la )?(?:soga|cuerda para)`,
				`(?:ya )?(?:tengo|hice|tengo hecho) (?:un|el|mi) plan(?:$| para (?:matarme|morir|hacerlo|quitarme la vida|acabar|no despertar))`, `ya (?:se|decidi) (?:como|cuando) (?:lo voy a hacer|hacerlo|matarme)`,
				`(?:tengo|guarde|estoy guardando|junte|he juntado|compre|consegui) (?:suficientes |muchas |todas las |las |unas )?(?:pastillas|pildoras|pastas)(?: para| guardadas| escondidas|$)`,
				`(?:tengo|compre|consegui|agarre) (?:una |la |mi )?(?:soga|cuerda|pistola|arma|navaja)(?:$| para| lista| aqui| en la mano| y)`,
				`(?:tirarme|aventarme|lanzarme|saltar|brincar) (?:de|desde|del|al) (?:un |el |la |una )?(?:puente|edificio|techo|azotea|tren|metro|carro|trafico)`,
				`(?:cortarme|me voy a cortar|me corte) las venas`, `(?:pegarme|darme|me voy a pegar|me voy a dar) un tiro`, `(?:echarme|tirarme|aventarme) (?:al|a la) (?:tren|metro|carretera|via)`,
				`(?:tomarme|tomar|me tome|me voy a tomar|tome|trague|me trague|tragarme) (?:todas las|un monton de|muchas|un bote de|una caja de|demasiadas|toda la caja de|todo el frasco de|todo el bote de) (?:pastillas|pildoras|medicinas|pastas|mis medicinas)`, `(?:tomarme|me tome|me voy a tomar|trague|me trague|tragarme) (?:todo el (?:frasco|bote)|el frasco|toda la caja)`,
				`(?:mezclar|mezcle|mezclando|voy a mezclar) (?:las |mis )?(?:pastillas|medicinas|pastas) con (?:alcohol|tequila|cerveza|licor|pisto)`,
			}},
			{About: "autolesiones", Patterns: []string{
				`(?:cortarme|lastimarme|hacerme dano|herirme|quemarme|golpearme|castigarme)`, `me (?:quiero|voy a|tengo ganas de|dan ganas de) (?:cortar|lastimar|hacer dano|quemar|golpear)`,
				`me (?:corte|estoy cortando|lastime|hice dano|hago dano|queme|volvi a cortar)(?:$| otra vez| de nuevo| anoche| ayer| hoy| los brazos| el brazo| las piernas| las munecas| la muneca| a proposito| para sentir)`,
				`(?:autolesion|autolesiones|autolesionarme|me autolesione)`, `me (?:corto|quemo|rasguno|golpeo|pego|lastimo|rayo) (?:los|las|el|la|mis) (?:brazos|brazo|piernas|pierna|munecas|muneca|piel|panza)`, `(?:volvi a|empece a) (?:cortarme|lastimarme|hacerme dano)`,
			}},
			{About: "sobredosis y consumo peligroso", Patterns: []string{
				`(?:voy a|quiero|me voy a|creo que tuve|casi tengo|casi tuve|tuve|creo que es|me dio|estoy teniendo|puedo tener|darme|me voy a dar|dar) (?:una )?sobredosis`, `(?:sobredosearme|me voy a sobredosear|me sobredosie|sobredosis a proposito)`,
				`(?:me meti|me tome|tome|consumi|use|me inyecte|me fume) (?:{ADV})?(?:demasiado|de mas|un chingo|demasiada|demasiadas|todo lo que tenia|todo el paquete|toda la bolsa)(?:$| y| de {DROGA}| de pastillas| {DROGA})`,
				`me pase (?:con|de) (?:la dosis|las pastillas|la droga|la medicina|{DROGA})`, `(?:no puedo|ya no puedo) (?:respirar|mantenerme despierto|mantenerme despierta) (?:despues de|desde que) (?:tome|consumi|use|me meti)`,
				`(?:consumir|tomar|beber|usar) hasta (?:morir|morirme|no despertar|que me muera)`, `para (?:no despertar|ya no despertar|no volver a despertar)`,
			}},
			{About: "no estar a salvo", Patterns: []string{
				`no (?:me siento|estoy|me sentia) (?:{ADV})?(?:a salvo|segur[oa] (?:conmigo|aqui|sol[oa]|esta noche|ahorita|ahora|de lo que (?:pueda|puedo) hacer))`, `no me siento (?:{ADV})?(?:a salvo|segur[oa])$`,
				`no puedo (?:mantenerme|estar|quedarme) (?:a salvo|segur[oa])`, `no puedo cuidarme`, `(?:tengo|me da) miedo de (?:lo que (?:me )?(?:pueda|puedo|voy a|podria|haga|vaya a) (?:hacer)?|hacerme (?:algo|dano)|{MI}|lastimarme|cortarme)`,
				`no (?:confio|puedo confiar) en {MI}(?:$| esta noche| ahorita| ahora| sol[oa])`, `estoy en peligro`, `(?:voy a|puedo|podria) hacer (?:una locura|algo malo|una tonteria|algo de lo que)(?:$| esta noche| conmigo)`,
				`(?:me quiere|me va a|amenazo con|amenaza con) (?:matar|golpear|pegar|lastimar)(?:me)?(?:$| y| de verdad| esta noche)`,
			}},
		},
		DangerAcross: []PhraseGroup{
			{About: "despedida con gracias, perdón o cariño en otra frase", Patterns: []string{
				`(?:gracias|perdon|perdonen|los quiero|las quiero|cuidense|cuiden a)\b.* \. (?:adios|adios a todos|hasta nunca|adios para siempre)$`,
				`(?:adios|hasta nunca)\b.* \. (?:gracias|perdon|perdonen|los quiero|las quiero|cuidense)\b`,
			}},
		},
		Relapse: []PhraseGroup{
			{About: "contar que consumió o recayó", Patterns: []string{
				`(?:reca[i]|recai|recaigo|recayendo|estoy recayendo|tuve una recaida|tuve un desliz|tuve una caida|me cai otra vez)`,
				`volvi a (?:tomar|beber|consumir|usar|drogarme|fumar (?:mota|cristal|piedra|crack|hielo|foco)|las andadas|caer|lo mismo|la botella|las drogas|emborracharme|meterme)`,
				`(?:me emborrache|me drogue|me puse (?:pedo|peda|borracho|borracha|bien pedo|bien peda|hasta atras|high|bien loco|bien loca|bien puesto|bien puesta|hasta la madre|bien locote)|me fui de (?:borrachera|parranda|peda|fiesta y tome|pisto)|anduve (?:tomando|pedo|peda|drogado|drogada|de fiesta tomando))`,
				`use (?:otra vez|de nuevo|anoche|ayer|hoy|el fin|el \w+)`, `(?:al|a la|con el|con la) que me (?:vendia|vende|conseguia|surtia|vendio)`, `se (?:donde|con quien) (?:conseguir|comprar)`,
				`(?:me voy a|voy a|quiero|vamos a|me quiero) (?:echar|tomar|chingar|meter) (?:unos|unas|una|un) (?:tragos|chelas|cervezas|copas|cheves|shots|rayas|lineas|toques)`, `(?:me voy a|voy a|me quiero) poner (?:bien )?(?:pedo|peda|high|loco|loca|hasta atras|borracho|borracha|pacheco)`,
				`(?:ando|estoy|tengo|traigo) (?:bien |un )?craving`, `(?:no aguanto|no puedo con|no soporto) (?:las |estas )?(?:ganas|ansias) de (?:meterme|consumir|tomar|usar|drogarme|beber)`, `(?:le )?compre (?:al|a mi|con el|con mi) (?:mismo )?(?:vato|bato|dealer|conecte|camello)`, `voy (?:por|a comprar|a conseguir) (?:una |un |la |unas |unos )?(?:botella|pomo|caguama|chelas|cerveza|{TRAGO}|{DROGA})`,
				`(?:me fume|fume|me di|me eche|me meti) (?:un |una |unas |unos |dos |varias )?(?:toque|toquesito|churro|porro|gallo|pase|pases|jalon|linea|lineas|raya|rayas|pasesito|{DROGA})`, `(?:consumi|me meti|me fume|fume)(?:$| otra vez| de nuevo| {TIEMPO}| {DROGA}| algo| un poco| poquito)`, `(?:tome|bebi|me tome|me eche|me chingue)(?:$| otra vez| de nuevo| {TIEMPO}| {TRAGO}| unas| unos| mucho$| bastante| hasta| todo el dia| toda la noche| un poco de (?:alcohol|tequila|cerveza|vino))`,
				`me (?:eche|tome|tomé|chingue) (?:unas|una|un par de|unos|dos|tres|varias|varios) (?:chelas|cervezas|tragos|copas|cheves|caguamas|shots|tequilas)`,
				`(?:estoy|ando|sigo|andaba|estaba|anduve) (?:{ADV})?(?:pacheco|pacheca|grifo|grifa|locote|pedo|peda|borracho|borracha|drogado|drogada|high|bien puesto|bien puesta|crudo|cruda|tomando|consumiendo|drogandome|pasado|pasada)(?:$| otra vez| de nuevo| {TIEMPO}| y)`,
				`(?:he estado|estuve|llevo (?:dos|tres|unos|varios) dias) (?:tomando|consumiendo|bebiendo|drogandome|usando)`, `(?:perdi|voy a perder|tengo que reiniciar|reinicie) (?:mi|mis) (?:sobriedad|tiempo limpio|tiempo|dias|fecha)`,
				`(?:volver|regresar|regrese|volvi) (?:a )?(?:empezar )?(?:al|a) dia (?:uno|1|cero|0)`,
			}},
			{About: "antojo y ganas de consumir", Patterns: []string{
				`(?:quiero|queria|necesito|(?:tengo |ando con |traigo )?(?:muchas |un chingo de |bien |tantas )?ganas de|me fui a|me dan ganas de|me muero por|me muero de ganas de|se me antoja|antojo de|ansias de|ansiedad de|tentad[oa] a|tentacion de|extrano|extraño|me hace falta) (?:{ADV})?(?:tomar|tomarme|echarme|beber|consumir|usar|drogarme|emborracharme|ponerme (?:pedo|peda|high|bien|hasta atras|loco|loca|hasta la madre|pacheco)|fumar (?:mota|cristal|piedra|hielo|foco)|{TRAGO}|{DROGA}|la botella|el alcohol|el pisto|recaer|ir por (?:un trago|una chela|droga|algo)|marcarle a mi (?:dealer|conecte)|hablarle a mi (?:dealer|conecte))(?:{COLA})`,
				`(?:los |mis |unos )?(?:antojos|ansias|deseos|ganas) (?:de (?:consumir|tomar|beber|usar|drogarme|la droga|alcohol) )?(?:estan|andan|estuvieron|son|vienen|me estan|me tienen) (?:{ADV})?(?:fuertes|cabrones|intensos|intensas|duros|duras|horribles|muy fuertes|bien fuertes|matando|ganando|a todo)`,
				`(?:tengo|traigo|ando con|siento) (?:mucha |muchas |bien |unas )?(?:ansiedad de|ansias de|ganas de|antojo de|deseos de) (?:consumir|tomar|beber|usar|drogarme|emborracharme)`,
				`(?:pensando|pienso|no dejo de pensar|no paro de pensar) en (?:(?:la |el |las )?{DROGA}|consumir|tomar|beber|drogarme|usar|la droga|el cristal|la mota|el alcohol|el pisto|la botella|mi dealer|un trago)`,
				`(?:mi |el )?(?:dealer|conecte|camello|vato que vende) (?:me )?(?:escribio|marco|llamo|mando mensaje|ofrecio|esta afuera)`, `(?:le )?(?:mande mensaje|escribi|marque|llame|hable|fui con) (?:a )?(?:mi|al) (?:dealer|conecte|camello)`, `voy a (?:comprar|conseguir|ir por|ir a comprar|ir a conseguir)(?:$| {DROGA}| {TRAGO}| en cuanto| cuando| saliendo| al salir| ahorita)`,
				`(?:tengo|compre|escondi|guarde) (?:una botella|droga|mota|cristal|pastillas|una caguama|alcohol|un pomo) (?:en mi cuarto|escondida|escondido|guardada|guardado|en el carro|en mi mochila|aqui)`,
				`(?:un trago|una cerveza|una chela|una vez|un toque|una linea) no (?:me )?(?:va a hacer|hace|haria) (?:nada|dano)`,
			}},
			{About: "una recaída a punto de pasar", Patterns: []string{
				`(?:voy a|creo que voy a|siento que voy a|estoy a punto de|a punto de|casi|puedo|podria|tengo miedo de|me da miedo|temo) (?:{ADV})?(?:recaer|tomar|beber|consumir|usar|drogarme|emborracharme|caer otra vez)(?:{COLA})`,
				`(?:estoy|ando) (?:afuera de|en|enfrente de|cerca de) (?:la|una|el) (?:licoreria|tiendita|cantina|bar|casa del dealer|esquina de siempre)`,
				`no (?:voy a|creo) aguantar (?:esta noche|hoy|el fin) sin (?:tomar|consumir|beber|usar)`,
			}},
		},
		Negators: []string{"no", "nunca", "jamas", "ni", "tampoco", "sin", "nada", "deje", "dejé", "ningun", "ninguna"},
		Breakers: []string{"y", "pero", "aunque", "porque", "pues", "entonces", "sino", "ahora"},
		Others: []string{
			"ella", "ellos", "ellas", "alguien", "amigo", "amiga", "amigos", "hermano", "hermana", "mama", "papa", "madre", "padre", "hijo",
			"hija", "primo", "prima", "tio", "tia", "esposo", "esposa", "novio", "novia", "companero", "companera", "padrino", "madrina",
			"vecino", "vecina", "jefe", "abuelo", "abuela", "sobrino", "sobrina", "roomie", "compa", "carnal", "cuate", "suegra", "suegro",
			"cunado", "cunada", "senor", "senora", "chavo", "chava", "vato", "morra", "pelicula", "serie", "libro", "cancion", "video", "familia",
		},
		Self: []string{"yo", "me", "mi", "mis", "conmigo"},
		Past: []string{
			`hace (?:(?:\d+|un|una|dos|tres|cuatro|cinco|seis|muchos|varios|unos|algunos|mas de) (?:anos|ano|meses|mes)|anos|meses|mucho tiempo|tiempo)`,
			`cuando (?:consumia|tomaba|bebia|estaba en la calle|andaba en las drogas|andaba tomando|estaba en mi adiccion|era joven|era chavo|era chava|era nino|era nina|andaba en el vicio|estaba activo|estaba activa|estaba en la pinta|estaba en el bote)`,
			`en mi adiccion`, `antes de (?:estar|entrar|llegar|la casa|recuperarme|el programa|mi recuperacion|venir)`, `solia`, `el ano pasado`, `en (?:aquel|ese) entonces`,
			`llevo (?:\d+|un|una|dos|tres|seis|varios|muchos) (?:dias|meses|anos|ano|mes) (?:sobri[oa]|limpi[oa]|sin (?:tomar|consumir|beber))`, `mi vieja vida`, `en (?:19|20)\d\d`, `de joven`, `de chavo`,
			`antes (?:tomaba|consumia|bebia|me drogaba|queria)`,
		},
		Recent: []string{`anoche`, `ayer`, `hoy`, `esta noche`, `ahorita`, `ahora mismo`, `otra vez`, `de nuevo`, `todavia`, `aun`, `este fin`, `esta manana`, `esta semana`, `estos dias`, `ultimamente`},
	}
}

// Realistic customer-service text for the generated archive (bench/generate-archive.ts) and the inbox bench's
// live load: an Italian / English mix of what customers write to a shop on WhatsApp and what agents answer,
// built from templates with slots (products, colours, sizes, cities, order numbers, dates). Order numbers and
// tracking codes make a long tail of one-off tokens, as in a real archive; a fixed list of rare words is sprinkled
// at known rates, so a search bench has common terms, rare terms, prefixes and phrases whose frequency is known.
import { prng } from "./webhook";

/** A seeded PRNG (mulberry32, the traffic generators' one); the same seed gives the same archive. */
export const rng = prng;

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const PRODUCT_IT = ["giacca", "borsa", "maglione", "camicia", "scarpe", "cappotto", "sciarpa", "gonna", "felpa", "cintura", "zaino", "pantaloni", "vestito", "stivali", "occhiali", "orologio", "portafoglio", "cappello", "piumino", "sandali"];
const PRODUCT_EN = ["jacket", "bag", "sweater", "shirt", "shoes", "coat", "scarf", "skirt", "hoodie", "belt", "backpack", "trousers", "dress", "boots", "sunglasses", "watch", "wallet", "hat", "parka", "sandals"];
const COLOUR_IT = ["blu", "nero", "rosso", "verde", "bianco", "grigio", "beige", "marrone", "rosa", "giallo"];
const COLOUR_EN = ["blue", "black", "red", "green", "white", "grey", "beige", "brown", "pink", "yellow"];
const SIZE = ["XS", "S", "M", "L", "XL", "XXL", "38", "40", "42", "44", "46"];
const CITY = ["Milano", "Roma", "Torino", "Napoli", "Bologna", "Firenze", "Verona", "Genova", "Bari", "Palermo", "London", "Manchester", "Berlin", "Madrid"];
const DAY_IT = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domani", "oggi pomeriggio", "stasera"];
const DAY_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "tomorrow", "this afternoon", "tonight"];
const COURIER = ["BRT", "GLS", "SDA", "DHL", "UPS", "Poste", "InPost"];
export const FIRST = ["Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro", "Sara", "Matteo", "Valentina", "Andrea", "Elena", "Davide", "Martina", "Simone", "Federica", "Lorenzo", "Anna", "Paolo", "Silvia", "Roberto", "Emma", "James", "Olivia", "Oliver", "Sophie", "Harry", "Lena", "Jonas", "Lucía", "Pablo"];
export const LAST = ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti", "Smith", "Jones", "Taylor", "Brown", "Müller", "Schmidt", "García", "Martínez"];

/**
 * Rare words, each used at a known rate per message (so a 10M archive has about rate × 10M hits): the search
 * bench's rare terms. None of them appears in the templates below.
 */
export const RARE: readonly { word: string; rate: number }[] = [
  { word: "ornitorinco", rate: 2e-5 },
  { word: "quokka", rate: 1e-5 },
  { word: "zibellino", rate: 3e-5 },
  { word: "xilofono", rate: 5e-6 },
  { word: "defenestration", rate: 2e-6 },
  { word: "sesquipedalian", rate: 1e-6 },
  { word: "pangolino", rate: 5e-5 },
  { word: "axolotl", rate: 1e-4 },
  { word: "serendipity", rate: 2e-4 },
  { word: "lapislazzuli", rate: 3e-4 },
];

type Gen = (r: () => number) => string;

const orderNo = (r: () => number) => String(10000 + Math.floor(r() * 90000));
const tracking = (r: () => number) => `${pick(r, ["IT", "RR", "LX", "JD"])}${Math.floor(r() * 1e9).toString().padStart(9, "0")}`;
const price = (r: () => number) => `${Math.floor(19 + r() * 280)},${pick(r, ["00", "50", "90", "99"])}`;

// Customers (inbound). Italian about 70%, English about 30%.
const CUSTOMER_IT: Gen[] = [
  (r) => `Buongiorno, avete ancora la taglia ${pick(r, SIZE)} della ${pick(r, PRODUCT_IT)} ${pick(r, COLOUR_IT)}?`,
  (r) => `Quando arriva il mio ordine n. ${orderNo(r)}?`,
  (r) => `Ciao! Il mio ordine ${orderNo(r)} risulta ancora in preparazione, è normale?`,
  (r) => `Posso passare in negozio a ${pick(r, CITY)} ${pick(r, DAY_IT)} per il ritiro?`,
  () => "Perfetto, grazie mille!",
  () => "Grazie, gentilissimi",
  () => "Ok",
  () => "Va bene, aspetto allora",
  (r) => `Il pacco è arrivato danneggiato, cosa posso fare? Ordine ${orderNo(r)}`,
  (r) => `Avete il modello in ${pick(r, COLOUR_IT)}?`,
  (r) => `Vorrei fare un reso della ${pick(r, PRODUCT_IT)}, come funziona il rimborso?`,
  (r) => `Non ho ancora ricevuto il rimborso per il reso dell'ordine ${orderNo(r)}`,
  (r) => `Vorrei prenotare una prova per ${pick(r, DAY_IT)} a ${pick(r, CITY)}`,
  (r) => `È possibile cambiare la taglia da ${pick(r, SIZE)} a ${pick(r, SIZE)}?`,
  () => "Qual è il numero di tracking della spedizione?",
  (r) => `Il corriere ${pick(r, COURIER)} dice che nessuno era in casa, ma io c'ero!`,
  (r) => `Quanto costa la spedizione a ${pick(r, CITY)}?`,
  () => "Posso pagare in contanti alla consegna?",
  () => "Avete un codice sconto per il primo ordine?",
  (r) => `Buonasera, la ${pick(r, PRODUCT_IT)} che ho comprato ha un difetto sulla cerniera`,
  () => "A che ora chiude il negozio oggi?",
  (r) => `Mi serve la fattura per l'ordine ${orderNo(r)}, partita IVA in arrivo`,
  () => "STOP",
  () => "Sì grazie",
  () => "No, va bene così",
  (r) => `La prenotazione per ${pick(r, DAY_IT)} è confermata?`,
  (r) => `Ho ricevuto la ${pick(r, PRODUCT_IT)} sbagliata, avevo ordinato il colore ${pick(r, COLOUR_IT)}`,
];
const CUSTOMER_EN: Gen[] = [
  (r) => `Hi, do you still have the ${pick(r, COLOUR_EN)} ${pick(r, PRODUCT_EN)} in size ${pick(r, SIZE)}?`,
  (r) => `Where is my order? Order number ${orderNo(r)}`,
  () => "Thanks a lot!",
  () => "Great, thank you",
  () => "ok",
  (r) => `The parcel arrived damaged, what can I do? Order ${orderNo(r)}`,
  (r) => `I would like to return the ${pick(r, PRODUCT_EN)}, how does the refund work?`,
  (r) => `Can I pick up my order in ${pick(r, CITY)} ${pick(r, DAY_EN)}?`,
  () => "What is the tracking number of my shipment?",
  (r) => `Do you ship to ${pick(r, CITY)}? How much is delivery?`,
  (r) => `I still haven't received my refund for order ${orderNo(r)}`,
  (r) => `Can I change the size from ${pick(r, SIZE)} to ${pick(r, SIZE)}?`,
  (r) => `I'd like to book an appointment ${pick(r, DAY_EN)} please`,
  () => "Is there a discount code for new customers?",
];

// Agents and bots (outbound).
const AGENT_IT: Gen[] = [
  (r) => `Buongiorno! Sì, la taglia ${pick(r, SIZE)} è disponibile. Vuole che la mettiamo da parte?`,
  (r) => `Il suo ordine è stato spedito con ${pick(r, COURIER)}, numero di tracking ${tracking(r)}`,
  (r) => `Ci scusiamo per il disagio. Abbiamo aperto il reso ${orderNo(r)}: riceverà il rimborso entro 5 giorni lavorativi`,
  () => "Certo, la aspettiamo in negozio! Orari: 10-19:30 dal lunedì al sabato",
  () => "Grazie a lei, buona giornata!",
  (r) => `Il prezzo è di ${price(r)} euro, spedizione gratuita sopra i 50 euro`,
  (r) => `Le confermo la prenotazione per ${pick(r, DAY_IT)} a ${pick(r, CITY)}`,
  () => "Mi può mandare una foto del difetto? Così apriamo subito la pratica",
  () => "Il rimborso è stato emesso, lo vedrà sull'estratto conto in 3-5 giorni",
  (r) => `Sì, abbiamo il modello in ${pick(r, COLOUR_IT)}, taglie dalla ${pick(r, SIZE)} alla ${pick(r, SIZE)}`,
  () => "Verifico subito con il magazzino e le faccio sapere",
  () => "Ecco il link per il reso gratuito: basta stampare l'etichetta",
];
const AGENT_EN: Gen[] = [
  (r) => `Hello! Yes, size ${pick(r, SIZE)} is available. Shall we keep one aside for you?`,
  (r) => `Your order has been shipped with ${pick(r, COURIER)}, tracking number ${tracking(r)}`,
  (r) => `Sorry about that. We opened return ${orderNo(r)}: the refund will reach you within 5 working days`,
  () => "You're welcome, have a nice day!",
  (r) => `It costs ${price(r)} EUR, free delivery over 50 EUR`,
  () => "Could you send a photo of the damage? We'll open the claim right away",
  () => "Let me check with the warehouse and get back to you",
];
export const TEMPLATE_TEXT = [
  "Ciao {{1}}, i saldi sono iniziati! Fino al 50% di sconto in negozio e online",
  "Hi {{1}}, your order is ready for pickup at our store",
  "Ciao {{1}}, il tuo ordine è pronto per il ritiro in negozio",
];

/** Adds a rare word to some messages, at the rates of RARE. */
function rare(r: () => number, text: string): string {
  const x = r();
  let acc = 0;
  for (const w of RARE) {
    acc += w.rate;
    if (x < acc) return `${text} ${w.word}`;
  }
  return text;
}

/** A customer's message; `english` picks the language of the conversation. */
export const customerText = (r: () => number, english: boolean) => rare(r, pick(r, english ? CUSTOMER_EN : CUSTOMER_IT)(r));

/** An agent's or bot's reply. */
export const agentText = (r: () => number, english: boolean) => rare(r, pick(r, english ? AGENT_EN : AGENT_IT)(r));

export const NOTE_TEXT: Gen[] = [
  (r) => `Cliente abituale, reso ${orderNo(r)} già approvato dal magazzino`,
  () => "Chiede sempre la consegna al piano: citofono rotto",
  (r) => `Richiamare ${pick(r, DAY_IT)} per conferma taglia`,
  () => "VIP: offrire spedizione gratuita",
  (r) => `Customer prefers English; order ${orderNo(r)} delayed by courier`,
];

/**
 * Search terms with the share of messages they are expected in, for the search bench: common words (present in
 * several templates), a two-word AND, prefixes (as typed: the last word becomes a prefix when it has 3+ letters),
 * quoted phrases, and the rare words above.
 */
export const SEARCH_CASES: readonly { kind: "common" | "and" | "prefix" | "phrase" | "rare" | "none"; q: string }[] = [
  { kind: "common", q: "ordine " },
  { kind: "common", q: "grazie " },
  { kind: "common", q: "order " },
  { kind: "and", q: "rimborso ordine " },
  { kind: "and", q: "taglia blu " },
  { kind: "prefix", q: "prenot" },
  { kind: "prefix", q: "spedi" },
  { kind: "prefix", q: "rimbors" },
  { kind: "phrase", q: '"numero di tracking" ' },
  { kind: "phrase", q: '"where is my order" ' },
  { kind: "rare", q: "lapislazzuli " },
  { kind: "rare", q: "ornitorinco " },
  { kind: "rare", q: "sesquipedalian " },
  { kind: "none", q: "inesistentissimo " },
];

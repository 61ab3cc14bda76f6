import { expect, test } from "bun:test";
import { qrMatrix, qrSvg } from "./qr.ts";

// Reference symbols were produced once by the npm package `qrcode` 1.5.4 (installed in a scratch
// directory, not a dependency), forcing byte mode:
//   QR.create([{ data: text, mode: "byte" }], { errorCorrectionLevel, maskPattern })
// Each row is hex, most significant bit = leftmost module, padded with 0 bits to a whole digit.

const HELLO = "HELLO";
const OTP_60 = "otpauth://totp/Centralino:anna%40example.com?secret=JBSWY3DP";
const OTP_102 = "otpauth://totp/Centralino:anna%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Centralino";
const OTP_FULL = `${OTP_102}&algorithm=SHA1&digits=6&period=30`;
const UTF8 = "Caffè Centralino — 3,50 €";

// `auto: true` means the reference chose `mask` itself, so ours must choose the same one.
const REFS: { text: string; ecl: "L" | "M" | "Q" | "H"; mask: number; auto: boolean; version: number; rows: string }[] = [
  { text: HELLO, ecl: "M", mask: 3, auto: false, version: 1,
    rows: "fe93f8 82f208 ba2ae8 baaae8 ba12e8 821a08 feabf8 009800 b75a58 6d7e60 8a5018 b113d0 5f8928 00f228 fe9900 82a1f0 ba0fd8 bab2f0 bacb20 822588 fea500" },
  { text: HELLO, ecl: "M", mask: 4, auto: true, version: 1,
    rows: "fed3f8 826a08 ba7ae8 ba92e8 ba8ae8 82b208 feabf8 00f800 8bf7c8 1cb978 b2b390 e44680 2e4e30 00ee58 fecc50 821910 ba93a8 ba1858 ba73c0 824600 fe8fa8" },
  { text: OTP_60, ecl: "M", mask: 5, auto: false, version: 4,
    rows: "fe3a203f8 829e6ea08 ba8ca62e8 baa18c2e8 ba316fae8 823008208 feaaaabf8 00ba28000 82dd51670 01a3334e0 628960730 788bb30e0 0a9650b18 491ed5378 639722370 3c30010f0 2a8b4f9d8 209db9338 73f33dbf8 8c4c0a560 27fb0a890 ed5e53180 9327c8630 b0312bfe0 fb3f91fc0 00b1b98b8 fe0541ae0 8231918f8 ba5c92fd0 ba5f5b1b8 ba371c4b8 822e12760 fec8e3a10" },
  { text: OTP_60, ecl: "M", mask: 2, auto: true, version: 4,
    rows: "fe0cfb3f8 825f6aa08 ba8ca62e8 bac2022e8 bab16fae8 82f10c208 feaaaabf8 00fb2c000 be5d513e0 3940bd768 628960730 68cab71e0 67208bdc0 595fd1278 639722370 04d38f378 2a8b4f9d8 30dcbd238 1e45e6d20 9c0d0e460 27fb0a890 d5bddd208 9327c8630 a0702fee0 96894af98 00f0bd8b8 fe0541ae0 82d21f8f0 badc92fd0 ba9e5f0b8 ba81c7260 826f16660 fec8e3a10" },
  { text: OTP_60, ecl: "L", mask: 2, auto: true, version: 4,
    rows: "fe43f93f8 82d90a208 ba719cae8 bad172ae8 ba2dd92e8 82a7caa08 feaaaabf8 000c15800 fbebc3550 d1401d878 1ad9e40f0 34f31f6f0 9f50d1dc0 d06fb5368 cb678ed30 d08c8f560 6a2bc1c80 ed61bf218 0799e6730 89120ca20 3a31d1cd0 c12f9f618 82c764c90 85ec240b8 9b2b4bf98 00c1bc8c8 fe990fad0 82320f8a0 bad052f98 baaf9bdd8 bae78ce40 82cda4160 fecae3a50" },
  { text: OTP_60, ecl: "H", mask: 2, auto: true, version: 7,
    rows: "fec38f560bf8 82ef21791208 baefa14552e8 ba688ec81ae8 ba142fe77ae8 82b258e04208 feaaaaaaabf8 00d4289ce800 3aaf7fcf5738 ec53afbedcc8 fea5f4243570 64fe7256d1e0 aa73454f7438 3d3b9a670cc8 bf8cd63c6f50 e5eb892cdde8 d7a647995448 48f178ad1db8 e66d2e32eab0 f104ce7bd9a0 5fbd2fcf2f90 98cce8b398a8 faea3ad7faf0 a8e478aa08e0 2ff99fffcf98 383c4e748478 0fa08b7380e0 fde7a209fb20 3a095f676790 a8f428efce08 5307a4287510 8014b602db60 6b7b58130420 9182e07e0678 0b82d262f5a0 791a97e09d78 9b460f990fd8 00f2f8a618d8 fe7f4ad3aad0 8250d8ca98f8 badd8fcc0fb8 bafcc33d95d8 ba968e67fc00 825548a845e0 fe05e3ce5690" },
  { text: OTP_102, ecl: "M", mask: 6, auto: false, version: 6,
    rows: "fe9771553f8 82beb241a08 bae01f792e8 ba0d245dae8 bace14232e8 823b0900208 feaaaaaabf8 000f3169800 9fb851164b8 b485b173bd8 7f0b41d6840 34a960051d0 c2e82898218 6042557a290 937e2653be8 9415b0bbfe0 0292d91c810 91068d46c80 86499f1d288 790b7be10b0 1263103de18 b921f3d54a0 6f6189501a0 15055324bc0 37e438c1228 314d417ccb8 d67e94115d8 fd238010e70 172e5bc1158 b935e241de8 d33ef3b32c8 f970a3e88a8 df620c67ff0 00bda6208e0 fedc6b9aac0 82d74a9f8c0 bacef19bfb0 baa54159c48 ba3bfe195c8 823bb90a2e8 fefaead1de0" },
  { text: OTP_102, ecl: "M", mask: 3, auto: true, version: 6,
    rows: "fea1aa38bf8 82a2c386a08 ba293beb2e8 baeeaa652e8 ba0730b12e8 822778c7208 feaaaaaabf8 009340ae800 b7717584258 8c663f4b5e0 ef426544cd0 f1b511c2010 af5ef3f5970 a55e24bd350 033702c1f78 acf63e831d8 92dbfd8ec80 541afc81d40 ebff44709e0 bc170a26170 822a34afa88 81c27deda98 ff28adc2530 d01922e3a00 5a52e3ac940 f45130bbd78 4637b083148 c5c00e28048 87677f535c8 7c299386c28 be8828de9a0 3c6cd22f968 4f2b28f5fe0 00de28188d8 fe954f08ad0 82cb3b58880 ba782af6fd8 bab9309ed88 baf2da8b158 82583732cd0 feb3ce43970" },
  { text: OTP_FULL, ecl: "M", mask: 2, auto: true, version: 8,
    rows: "fe7cd48204bf8 822bd3d26fa08 bad83dfcd1ae8 bacf96a32d2e8 ba8b07fe842e8 82f2d2206e208 feaaaaaaaabf8 0091e62348800 be1b73e37ebe0 c99835ce05700 af7256b306898 38c2791aab708 dfdce7871db50 00a4fb47147d0 0b372f5057818 a9669a95f64d0 32bc9dc81df30 29fde45d98388 8795942a7e5d8 b8cb397994388 9a0646b719b20 ccc775ee1d708 4faa7be97af98 5895e22e488c8 9a8a8eb73aae8 58c2522f9c8e0 3fec37fa12fd8 1058439cc0f08 d23a94e32f688 8546273e8dd40 cfb232586f618 71948723a4148 c29e8c363b1e0 4918178309248 0ea1e557eb3d8 24ef8fdda6c90 93cc5ee17fce8 4135879e9c538 47b7b2c9bf7f8 714c2eb194408 e2390be22dff8 00e152370d8d0 fe1dc2b69ead8 82faae2991898 bab8a3f71efd0 bad8980e0c988 bacf08c97e360 823a1d9594708 fed908c85be78" },
  { text: OTP_FULL, ecl: "Q", mask: 2, auto: true, version: 10,
    rows: "fedb891a1cf33f8 827b6c843a05208 ba6eef78eeaf2e8 ba2556717c412e8 ba9e1c7e90e92e8 828184e2570e208 feaaaaaaaaaabf8 0032f3231f25800 7f07a33eaa58188 ac013aa29f6dc70 ceefde2f8978b30 3914649747a94f8 b3db18fd7e31470 7ceb2cb74db8978 771b28fe2f13270 250c973115ea4f0 5b1d3d4fdd06918 958e5bdf9879cd8 5a59fbe1e71fd70 88cf666c1593b68 2ead69751c72078 752de9a21d61d60 42cb04fc3e4f5a8 85269ac0ba3e8a0 5f4731e3fb64240 b8697c03b439d08 eff0c07fc969fb0 d89f9b2248dc8f8 4aabe12abf52a98 e8c80e229cb98f8 7fcbf83ff719fa0 09d6d53f67cf270 36ddc28bde10158 14c76f160d68c28 0e2595bb6e8e830 11357343c4f8678 aff6f793ea65900 b4600cb88861000 af77ba9d0b8f8f0 8d220a17e833938 621192e414261c0 58da7d8fc172830 4b0a93deb5e4d30 29371a8d34e92f8 ab8bdd1618147a0 01822a1304f0848 a6ed108ddf0ed90 f88762c865aa370 0305c7bfd872fc0 0083a36281ec8a8 fed688abee9aad0 829a4522c4f28f0 baf25d7f7830fb0 baa4548118e4ec0 badcdf32fec3a60 82c8d0f35944ca0 fe49195e1a94ad0" },
  { text: UTF8, ecl: "M", mask: 1, auto: false, version: 3,
    rows: "fe89cbf8 824ec208 ba93dae8 ba1242e8 ba272ae8 82a12208 feaaabf8 004b8800 a3463128 98d62348 4ab94f48 905c2468 137dba68 0de0a308 7ec6e988 cda39130 ff0e3a58 00261b28 cea96d68 05344598 c36d9fd8 00c88880 fe9eaae8 8223c8c8 ba0effe0 ba1a1c90 ba97a498 8272cf40 fe9aacc8" },
  { text: UTF8, ecl: "M", mask: 3, auto: true, version: 3,
    rows: "febf13f8 82dc8a08 ba48b2e8 badb62e8 ba4a9ae8 8205b208 feaaabf8 00d9c000 b71d5a58 089f07d8 93d4f990 d978b620 7ecb6100 2972ea28 ca1d8438 5deab5a0 26638c80 49028960 a31fb600 21a60cb8 77b6ffe8 0081a890 fef31ab0 82875880 ba382f88 ba8855b0 baccc928 823bebd0 fef71a10" },
];

const N4_EDGE_MASK3 =
  "fefbef7abf8 8293a1c4208 ba2d590bae8 ba9e1432ae8 ba75923b2e8 8275f0cfa08 feaaaaaabf8 00ff59ae000 b779f595258 1c8c3b0f2e8 6bf5e704a50 a1a631e0688 56e05bdd060 dcc06be0320 cb35df40638 e13207139d8 ea7e268fc88 91d985e7d50 ee78a21c1a0 4509fd10d70 c2ab194b298 88f05d6fb98 ab1da5c2910 58c5a3eb590 42ce63bc9a0 2572f0ff878 379cb6a15d8 b06fae087d8 bb451fd3cd8 39daba41008 924d9602840 30a4f33d170 5fa8ec12fb0 00b07d43888 fef5214cad0 82b1599a880 ba1204aafd8 ba9a52bedb0 baea7a82118 82358fbb8d0 feb8af52910";

function toHexRows(matrix: boolean[][]): string[] {
  return matrix.map((row) => {
    const bits = row.map((d) => (d ? "1" : "0")).join("").padEnd(Math.ceil(row.length / 4) * 4, "0");
    return bits.replace(/..../g, (nibble) => parseInt(nibble, 2).toString(16));
  });
}

for (const ref of REFS) {
  const how = ref.auto ? "automatic mask" : "forced mask";
  const shown = ref.text.length > 24 ? `${ref.text.slice(0, 24)}…` : ref.text;
  test(`${JSON.stringify(shown)} (${ref.text.length} chars) level ${ref.ecl}, ${how} ${ref.mask}: version ${ref.version}`, () => {
    const matrix = qrMatrix(ref.text, ref.auto ? { ecl: ref.ecl } : { ecl: ref.ecl, mask: ref.mask });
    expect(matrix.length).toBe(ref.version * 4 + 17);
    expect(toHexRows(matrix)).toEqual(ref.rows.split(" "));
  });
}

test("automatic mask follows the standard's N4 rule where `qrcode` rounds differently", () => {
  // `qrcode` scores dark-module balance as |ceil(dark% / 5) - 10|, so 50.92 % dark already costs 10
  // points. ISO/IEC 18004 charges per full 5 % deviation (0 points here). With that the standard picks
  // mask 3 and `qrcode` picks mask 6; compare against `qrcode` forced to mask 3. About 2 % of random
  // inputs differ this way; all such cases were checked to match `qrcode` once the mask is forced.
  const text = "otpauth://totp/Centralino:user4%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Centralino";
  expect(toHexRows(qrMatrix(text))).toEqual(N4_EDGE_MASK3.split(" "));
});

test("default level is M and minVersion enlarges the symbol", () => {
  expect(qrMatrix(OTP_60)).toEqual(qrMatrix(OTP_60, { ecl: "M" }));
  expect(qrMatrix(HELLO, { minVersion: 7 }).length).toBe(45);
});

test("rejects invalid options", () => {
  expect(() => qrMatrix(HELLO, { mask: 8 })).toThrow(RangeError);
  expect(() => qrMatrix(HELLO, { minVersion: 41 })).toThrow(RangeError);
});

test("text too long for version 40 throws a clear error", () => {
  expect(qrMatrix("a".repeat(2331)).length).toBe(177); // exactly the version 40-M byte capacity
  expect(() => qrMatrix("a".repeat(2332))).toThrow("at most 2331 fit in a QR code at level M");
  expect(() => qrMatrix("€".repeat(1000), { ecl: "H" })).toThrow(/3000 bytes/);
});

test("qrSvg renders one path on a white background with quiet zone", () => {
  const svg = qrSvg(HELLO, { moduleSize: 5, label: "Two-factor setup code" });
  const dim = 21 + 2 * 4;
  expect(svg).toStartWith('<svg xmlns="http://www.w3.org/2000/svg"');
  expect(svg).toContain(`width="${dim * 5}" height="${dim * 5}" viewBox="0 0 ${dim} ${dim}"`);
  expect(svg).toContain('role="img" aria-label="Two-factor setup code" shape-rendering="crispEdges"');
  expect(svg).toContain('<rect width="100%" height="100%" fill="#fff"/>');
  expect(svg.match(/<path /g)).toHaveLength(1);
  expect(svg).not.toContain(HELLO);
  expect(qrSvg(HELLO, { margin: 0 })).toContain('viewBox="0 0 21 21"');
});

test("qrSvg path covers exactly the dark modules", () => {
  const matrix = qrMatrix(OTP_60);
  const d = /d="([^"]*)"/.exec(qrSvg(OTP_60, { margin: 2 }))![1]!;
  const painted = matrix.map((row) => row.map(() => false));
  for (const [, x, y, w] of d.matchAll(/M(\d+) (\d+)h(\d+)v1H\d+z/g)) {
    for (let i = 0; i < Number(w); i++) painted[Number(y) - 2]![Number(x) - 2 + i] = true;
  }
  expect(painted).toEqual(matrix);
});

test("qrSvg escapes a hostile label", () => {
  const svg = qrSvg(HELLO, { label: `"><script>alert(1)</script>` });
  expect(svg).toContain('aria-label="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  expect(svg).not.toContain("<script");
  expect(svg.match(/</g)).toHaveLength(4); // <svg, <rect, <path, </svg
  expect(qrSvg(HELLO, { label: `a'b&c` })).toContain('aria-label="a&#39;b&amp;c"');
});

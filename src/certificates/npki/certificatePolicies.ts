/**
 * Certificate policy OIDs of the Korean accredited CAs, and what each one means: which CA issued
 * the certificate and what kind it is (개인 범용, 은행·신용카드·보험용, 법인 …).
 *
 * The policy is the first `policyIdentifier` in the certificate's certificatePolicies extension.
 * Only entries that several independent sources agree on (high or medium confidence) are listed.
 * An OID that is not in the table is *unknown*: `lookupPolicy` returns undefined and nothing is
 * ever guessed from an OID's prefix.
 *
 * Left out on purpose (conflicting or single low-confidence sources): yessign .1.1.6 (only the
 * parent arc of .6.x, not a policy a certificate is issued under) and .1.1.6.8; KICA .3, .6,
 * .6.257 and .5001; CrossCert .2.80; SignKorea .10, .9.1, .10.1, .10.2; TradeSign 1.1.2/.4/.6 and
 * 5.19.1.1.
 */

import { POLICY_ARC } from './oids';

export type CertificateAuthorityId = keyof typeof POLICY_ARC;

export type PolicyKind =
  | 'personalGeneral' // 개인 범용 (usable everywhere)
  | 'personalBanking' // 개인 용도제한: 은행·신용카드·보험용
  | 'personalSecurities' // 개인 용도제한: 증권·보험용
  | 'personalCreditCard' // 개인 용도제한: 신용카드용
  | 'personalCivil' // 개인 용도제한: 전자민원용
  | 'personalOther' // other personal certificates (특수목적, 실버, 전자무역 …)
  | 'corporateGeneral' // 법인 범용 (기업·법인·단체·개인사업자)
  | 'corporateRestricted' // 법인 용도제한 (기업뱅킹, 특수목적, 전자무역 …)
  | 'server' // 서버용
  | 'other';

export type PolicyHolder = 'personal' | 'corporate' | 'server';

export interface LocalizedText {
  readonly ko: string;
  readonly en: string;
}

export interface PolicyInfo {
  readonly ca: CertificateAuthorityId;
  readonly caName: LocalizedText;
  readonly kind: PolicyKind;
  readonly holder: PolicyHolder;
  /** What the certificate is for, as a customer would say it. */
  readonly label: LocalizedText;
}

const CA_NAMES: Readonly<Record<CertificateAuthorityId, LocalizedText>> = {
  yessign: { ko: '금융결제원(yessign)', en: 'KFTC (yessign)' },
  KICA: { ko: '한국정보인증(KICA)', en: 'Korea Information Certificate Authority (KICA)' },
  CrossCert: { ko: '한국전자인증(CrossCert)', en: 'Korea Electronic Certificate Authority (CrossCert)' },
  SignKorea: { ko: '코스콤(SignKorea)', en: 'KOSCOM (SignKorea)' },
  TradeSign: { ko: '한국무역정보통신(TradeSign)', en: 'KTNET (TradeSign)' },
};

const LABELS = {
  personalGeneral: { ko: '개인 범용', en: 'personal, general purpose' },
  personalBanking: { ko: '개인 은행·신용카드·보험용', en: 'personal, banking/credit card/insurance' },
  personalBankingInsurance: { ko: '개인 은행·보험용', en: 'personal, banking/insurance' },
  personalSecurities: { ko: '개인 증권·보험용', en: 'personal, securities/insurance' },
  personalCreditCard: { ko: '개인 신용카드용', en: 'personal, credit card' },
  personalCivil: { ko: '개인 전자민원용', en: 'personal, e-government services' },
  personalSpecial: { ko: '개인 특수목적용', en: 'personal, special purpose' },
  personalSilver: { ko: '개인 실버', en: 'personal, silver' },
  personalTrade: { ko: '개인 전자무역용', en: 'personal, electronic trade' },
  corporateGeneral: { ko: '법인 범용', en: 'corporate, general purpose' },
  corporateRestricted: { ko: '법인 은행·보험·신용카드용', en: 'corporate, banking/insurance/credit card' },
  corporateBanking: { ko: '기업뱅킹용', en: 'corporate banking' },
  corporateProcurement: { ko: '조달청 원클릭용', en: 'public procurement (PPS one-click)' },
  corporateSpecial: { ko: '법인 특수목적용', en: 'corporate, special purpose' },
  corporateSilver: { ko: '법인 실버', en: 'corporate, silver' },
  corporateTrade: { ko: '법인 전자무역용', en: 'corporate, electronic trade' },
  server: { ko: '서버용', en: 'server' },
  personalServer: { ko: '개인 서버용', en: 'personal server' },
  corporateServer: { ko: '법인 서버용', en: 'corporate server' },
} as const satisfies Record<string, LocalizedText>;

type LabelId = keyof typeof LABELS;

const HOLDER_OF_KIND: Readonly<Record<PolicyKind, PolicyHolder | undefined>> = {
  personalGeneral: 'personal',
  personalBanking: 'personal',
  personalSecurities: 'personal',
  personalCreditCard: 'personal',
  personalCivil: 'personal',
  personalOther: 'personal',
  corporateGeneral: 'corporate',
  corporateRestricted: 'corporate',
  server: 'server',
  other: undefined,
};

/** One row of the table: OID → CA, kind, label. The holder follows from the kind. */
type Row = readonly [oid: string, ca: CertificateAuthorityId, kind: PolicyKind, label: LabelId];

const { yessign: YESSIGN, KICA, CrossCert: CROSSCERT, SignKorea: SIGNKOREA, TradeSign: TRADESIGN } = POLICY_ARC;

const ROWS: readonly Row[] = [
  // 금융결제원 yessign
  [`${YESSIGN}.1`, 'yessign', 'personalGeneral', 'personalGeneral'],
  [`${YESSIGN}.2`, 'yessign', 'corporateRestricted', 'corporateRestricted'],
  [`${YESSIGN}.3`, 'yessign', 'server', 'server'],
  [`${YESSIGN}.4`, 'yessign', 'personalBanking', 'personalBanking'],
  [`${YESSIGN}.5`, 'yessign', 'corporateGeneral', 'corporateGeneral'],
  [`${YESSIGN}.6.1`, 'yessign', 'corporateRestricted', 'corporateBanking'],
  [`${YESSIGN}.6.2`, 'yessign', 'personalCreditCard', 'personalCreditCard'],
  [`${YESSIGN}.6.3`, 'yessign', 'corporateRestricted', 'corporateProcurement'],

  // 한국정보인증 KICA (SignGATE)
  [`${KICA}.1`, 'KICA', 'corporateGeneral', 'corporateGeneral'],
  [`${KICA}.2`, 'KICA', 'personalGeneral', 'personalGeneral'],
  [`${KICA}.4`, 'KICA', 'server', 'server'],
  [`${KICA}.5`, 'KICA', 'corporateRestricted', 'corporateSpecial'],
  [`${KICA}.7.1`, 'KICA', 'personalBanking', 'personalBanking'],
  [`${KICA}.7.2`, 'KICA', 'personalSecurities', 'personalSecurities'],
  [`${KICA}.7.3`, 'KICA', 'personalCreditCard', 'personalCreditCard'],

  // 한국전자인증 CrossCert
  [`${CROSSCERT}.1`, 'CrossCert', 'personalGeneral', 'personalGeneral'],
  [`${CROSSCERT}.2`, 'CrossCert', 'corporateGeneral', 'corporateGeneral'],
  [`${CROSSCERT}.3`, 'CrossCert', 'server', 'server'],
  [`${CROSSCERT}.4`, 'CrossCert', 'personalOther', 'personalSpecial'],
  [`${CROSSCERT}.5`, 'CrossCert', 'corporateRestricted', 'corporateSpecial'],
  [`${CROSSCERT}.101`, 'CrossCert', 'personalBanking', 'personalBankingInsurance'],
  [`${CROSSCERT}.102`, 'CrossCert', 'personalSecurities', 'personalSecurities'],
  [`${CROSSCERT}.103`, 'CrossCert', 'personalCreditCard', 'personalCreditCard'],
  [`${CROSSCERT}.104`, 'CrossCert', 'personalCivil', 'personalCivil'],

  // 코스콤 SignKorea
  [`${SIGNKOREA}.1`, 'SignKorea', 'personalOther', 'personalSpecial'],
  [`${SIGNKOREA}.2`, 'SignKorea', 'server', 'personalServer'],
  [`${SIGNKOREA}.3`, 'SignKorea', 'corporateRestricted', 'corporateSpecial'],
  [`${SIGNKOREA}.4`, 'SignKorea', 'server', 'corporateServer'],
  [`${SIGNKOREA}.5`, 'SignKorea', 'personalGeneral', 'personalGeneral'],
  [`${SIGNKOREA}.6`, 'SignKorea', 'server', 'personalServer'],
  [`${SIGNKOREA}.7`, 'SignKorea', 'corporateGeneral', 'corporateGeneral'],
  [`${SIGNKOREA}.8`, 'SignKorea', 'server', 'corporateServer'],
  [`${SIGNKOREA}.9`, 'SignKorea', 'personalSecurities', 'personalSecurities'],
  [`${SIGNKOREA}.9.2`, 'SignKorea', 'personalCreditCard', 'personalCreditCard'],
  [`${SIGNKOREA}.11`, 'SignKorea', 'personalOther', 'personalSilver'],
  [`${SIGNKOREA}.12`, 'SignKorea', 'corporateRestricted', 'corporateSilver'],

  // 한국무역정보통신 KTNET TradeSign
  [`${TRADESIGN}.1`, 'TradeSign', 'personalGeneral', 'personalGeneral'],
  [`${TRADESIGN}.3`, 'TradeSign', 'corporateGeneral', 'corporateGeneral'],
  [`${TRADESIGN}.5`, 'TradeSign', 'server', 'server'],
  [`${TRADESIGN}.7`, 'TradeSign', 'personalOther', 'personalTrade'],
  [`${TRADESIGN}.9`, 'TradeSign', 'corporateRestricted', 'corporateTrade'],
  [`${TRADESIGN}.11`, 'TradeSign', 'server', 'server'],
  [`${TRADESIGN}.13`, 'TradeSign', 'personalOther', 'personalSpecial'],
  [`${TRADESIGN}.15`, 'TradeSign', 'corporateRestricted', 'corporateSpecial'],
  [`${TRADESIGN}.101`, 'TradeSign', 'personalBanking', 'personalBankingInsurance'],
  [`${TRADESIGN}.103`, 'TradeSign', 'personalSecurities', 'personalSecurities'],
  [`${TRADESIGN}.105`, 'TradeSign', 'personalCreditCard', 'personalCreditCard'],
];

function toPolicyInfo([, ca, kind, label]: Row): PolicyInfo {
  const holder = HOLDER_OF_KIND[kind];
  if (!holder) throw new Error(`policy table: kind ${kind} needs an explicit holder`);
  return Object.freeze({ ca, caName: CA_NAMES[ca], kind, holder, label: LABELS[label] });
}

const POLICIES: ReadonlyMap<string, PolicyInfo> = new Map(ROWS.map((row) => [row[0], toPolicyInfo(row)]));

/** Every known policy OID, in table order (for documentation and tests). */
export const KNOWN_POLICY_OIDS: readonly string[] = ROWS.map((row) => row[0]);

/** The CA and kind of a certificate policy OID; undefined when the OID is not known. */
export function lookupPolicy(oid: string): PolicyInfo | undefined {
  return POLICIES.get(oid);
}

/** The policies the sandbox CA (playing 금융결제원 yessign) issues with. */
export const SANDBOX_POLICY = {
  personalBanking: `${YESSIGN}.4`,
  personalGeneral: `${YESSIGN}.1`,
} as const;

/** The policies of the other-bank sandbox CA (playing 한국정보인증 KICA), for 타기관 등록 tests and demos. */
export const OTHER_BANK_SANDBOX_POLICY = {
  personalBanking: `${KICA}.7.1`,
  personalGeneral: `${KICA}.2`,
} as const;

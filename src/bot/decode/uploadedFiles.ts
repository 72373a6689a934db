import type { ProtectedInput, RecognizedInput } from '../../../dialogs/contract/events';
import { MAX_FILE_BYTES } from '../../certificates/npki/certificateError';
import { MAX_ZIP_BYTES } from '../../certificates/npki/npkiBundle';
import type { SecretBox } from '../../state/secretBox';

export const UPLOAD_SEAL = 'upload';

type FileKind = 'signCert' | 'signPri' | 'pfx' | 'zip';

/** Which of the NPKI files a name is: the names customers' software writes. */
function kindOf(name: string): FileKind | undefined {
  const lower = name.toLowerCase();
  if (/signcert\.der$|\.cer$|\.der$/.test(lower)) return 'signCert';
  if (/signpri\.key$|\.key$/.test(lower)) return 'signPri';
  if (/\.(pfx|p12)$/.test(lower)) return 'pfx';
  if (/\.zip$/.test(lower)) return 'zip';
  return undefined;
}

/**
 * Attachments → sealed certificate files. Only `data:` URIs are read here; nothing is fetched
 * from a URL a caller names (an allow-list of channel hosts is the next step).
 */
export function sealUploads(input: RecognizedInput, box: SecretBox): RecognizedInput | ProtectedInput {
  if (input.type !== 'ATTACHMENTS') return input;
  const files: Partial<Record<FileKind, string>> = {};
  const refused: ('tooLarge' | 'unknownKind' | 'unreadable')[] = [];
  for (const attachment of input.attachments) {
    const kind = kindOf(attachment.name ?? '');
    const bytes = dataUriBytes(attachment.contentUrl);
    if (kind === undefined) refused.push('unknownKind');
    else if (bytes === undefined) refused.push('unreadable');
    else if (bytes.length > (kind === 'zip' ? MAX_ZIP_BYTES : MAX_FILE_BYTES)) refused.push('tooLarge');
    else files[kind] = box.seal(UPLOAD_SEAL, bytes);
  }
  return { type: 'FILES', files, refused };
}

function dataUriBytes(uri: string | undefined): Buffer | undefined {
  const match = /^data:[^,]*;base64,([A-Za-z0-9+/=\s]*)$/.exec(uri ?? '');
  return match?.[1] === undefined ? undefined : Buffer.from(match[1], 'base64');
}

/* sceau — signed Certificates of Conformity and Halal certificates, verified
 * offline. Umbrella header: include this, link with -lsceau.
 *
 * Conventions (STYLE.md): every public symbol starts with sceau_ / SCEAU_;
 * fallible calls return enum sceau_err and fill a caller-passed
 * struct sceau_error; verification conclusions are verdicts, not errors;
 * the library never prints and never exits. */
#ifndef SCEAU_H
#define SCEAU_H

#include "sceau/version.h"
#include "sceau/error.h"
#include "sceau/verdict.h"
#include "sceau/program.h"
#include "sceau/pki.h"
#include "sceau/date.h"
#include "sceau/envelope.h"
#include "sceau/record.h"
#include "sceau/render.h"
#include "sceau/trust.h"
#include "sceau/payload.h"
#include "sceau/pdfsign.h"
#include "sceau/verify.h"
#include "sceau/status.h"
#include "sceau/register.h"
#include "sceau/bundle.h"
#include "sceau/qrimage.h"

#endif

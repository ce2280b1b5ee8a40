package mailer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wneessen/go-mail/smtp"
)

// dataWriter is an open DATA without pipelining: Close sends the final
// dot and reads the relay's reply, which response then returns.
type dataWriter interface {
	io.WriteCloser
	response() string
}

// clientData is go-mail's DATA writer.
type clientData struct{ *smtp.DataCloser }

func (d clientData) response() string { return d.ServerResponse() }

// start opens the transaction without pipelining: MAIL, RCPT and DATA,
// a round trip each.
func (c *smtpConn) start(o *Outgoing) (dataWriter, error) {
	e, _, err := c.envelope(Envelope{o.From, o.To})
	if err != nil {
		return nil, err
	}
	// go-mail adds SMTPUTF8 to MAIL itself whenever the relay offers it.
	if err := c.c.Mail("<" + e.From + ">"); err != nil {
		return nil, c.reject(PhaseMail, err)
	}
	if err := c.c.Rcpt("<" + e.To + ">"); err != nil {
		return nil, c.reject(PhaseRcpt, err)
	}
	w, err := c.c.Data()
	if err != nil {
		return nil, c.reject(PhaseData, err)
	}
	dc, ok := w.(*smtp.DataCloser)
	if !ok {
		c.ok = false
		return nil, newSMTPError(PhaseData, errors.New("unexpected data writer"))
	}
	return clientData{dc}, nil
}

// envelope is e as the relay takes it (wireAddress), and whether it
// needs SMTPUTF8; an address the relay cannot take is Folio's own
// refusal (envelopeError).
func (c *smtpConn) envelope(e Envelope) (Envelope, bool, error) {
	if strings.ContainsAny(e.From+e.To, "\r\n<>") {
		return e, false, newSMTPError(PhaseMail, errors.New("address contains a line break or angle bracket"))
	}
	from, fromUTF8, err := wireAddress(e.From)
	if err != nil || (fromUTF8 && !c.utf8) {
		return e, false, envelopeError(PhaseMail, e.From, err)
	}
	to, toUTF8, err := wireAddress(e.To)
	if err != nil || (toUTF8 && !c.utf8) {
		return e, false, envelopeError(PhaseRcpt, e.To, err)
	}
	return Envelope{from, to}, fromUTF8 || toUTF8, nil
}

// appendEnvelope appends a pipelined MAIL, RCPT and DATA for e to dst.
func (c *smtpConn) appendEnvelope(dst []byte, e Envelope) ([]byte, error) {
	e, utf8, err := c.envelope(e)
	if err != nil {
		return dst, err
	}
	dst = append(dst, "MAIL FROM:<"...)
	dst = append(dst, e.From...)
	dst = append(dst, '>')
	dst = append(dst, c.mailParams...)
	if utf8 {
		dst = append(dst, " SMTPUTF8"...)
	}
	dst = append(dst, "\r\nRCPT TO:<"...)
	dst = append(dst, e.To...)
	return append(dst, ">\r\nDATA\r\n"...), nil
}

// openPipelined makes sure the envelope of o is on its way (sent behind
// the previous message's dot, or now) and reads its three replies.
func (c *smtpConn) openPipelined(o *Outgoing) error {
	e := Envelope{o.From, o.To}
	switch {
	case c.sent == nil:
		cmds, err := c.appendEnvelope(c.buf[:0], e)
		if err != nil {
			return err
		}
		c.buf = cmds
		if err := c.send(cmds); err != nil {
			return newSMTPError(PhaseMail, err)
		}
	case *c.sent != e:
		// The relay waits in DATA for another message: only dropping
		// the connection ends that transaction undelivered.
		c.ok = false
		_ = c.c.Close()
		return newSMTPError(PhaseMail, fmt.Errorf("pipelined envelope for %s, message for %s", c.sent.To, o.To))
	}
	c.sent = nil
	// Every reply is read, whatever came before, to stay in step.
	text := c.c.Text
	_, _, mailErr := text.ReadResponse(250)
	_, _, rcptErr := text.ReadResponse(25)
	_, _, dataErr := text.ReadResponse(354)
	var phase string
	var err1 error
	switch {
	case mailErr != nil:
		phase, err1 = PhaseMail, mailErr
	case rcptErr != nil:
		phase, err1 = PhaseRcpt, rcptErr
	case dataErr != nil:
		phase, err1 = PhaseData, dataErr
	default:
		return nil
	}
	if dataErr == nil {
		// DATA was accepted after a refused MAIL or RCPT: the relay
		// waits for a body we will not send. Drop the connection.
		c.ok = false
		_ = c.c.Close()
		return newSMTPError(phase, err1)
	}
	return c.reject(phase, err1)
}

// wireReady reports whether data can go out as SMTP DATA as it is: it
// ends with CRLF and no line starts with a dot. Every message Folio
// writes does (appendQP encodes a leading dot, base64 and headers never
// start a line with one), which spares a copy of each message; anything
// else is dot-stuffed.
func wireReady(data []byte) bool {
	n := len(data)
	return n >= 2 && data[0] != '.' && data[n-2] == '\r' && data[n-1] == '\n' &&
		!bytes.Contains(data, []byte("\n."))
}

// dotStuff appends data to dst as SMTP DATA wants it (RFC 5321 §4.5.2):
// CRLF line ends, a leading dot doubled, ending with CRLF; the final
// ".CRLF" is not included.
func dotStuff(dst, data []byte) []byte {
	for len(data) > 0 {
		if data[0] == '.' {
			dst = append(dst, '.')
		}
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			dst = append(dst, data...)
			break
		}
		line := data[:i]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		dst = append(dst, line...)
		dst = append(dst, '\r', '\n')
		data = data[i+1:]
		if len(data) == 0 {
			return dst
		}
	}
	if n := len(dst); n > 0 && (n < 2 || dst[n-2] != '\r' || dst[n-1] != '\n') {
		dst = append(dst, '\r', '\n')
	}
	return dst
}

package mailer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strings"

	"github.com/wneessen/go-mail/smtp"
)

// dataWriter is an open DATA: Close sends the final dot and reads the
// relay's reply, which response then returns.
type dataWriter interface {
	io.WriteCloser
	response() string
}

// clientData is go-mail's DATA writer.
type clientData struct{ *smtp.DataCloser }

func (d clientData) response() string { return d.ServerResponse() }

// pipeData is a DATA opened by a pipelined MAIL, RCPT, DATA.
type pipeData struct {
	io.WriteCloser
	text  *textproto.Conn
	reply string
}

func (d *pipeData) Close() error {
	if err := d.WriteCloser.Close(); err != nil {
		return err
	}
	_, msg, err := d.text.ReadResponse(250)
	d.reply = msg
	return err
}

func (d *pipeData) response() string { return d.reply }

// start opens the transaction: MAIL, RCPT and DATA, in one round trip
// when the relay allows pipelining.
func (c *smtpConn) start(o *Outgoing) (dataWriter, error) {
	if !c.pipelining {
		if err := c.c.Mail(o.From); err != nil {
			return nil, c.reject(PhaseMail, err)
		}
		if err := c.c.Rcpt(o.To); err != nil {
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
	if strings.ContainsAny(o.From+o.To, "\r\n<>") {
		return nil, newSMTPError(PhaseMail, errors.New("address contains a line break or angle bracket"))
	}
	text := c.c.Text
	_, err := fmt.Fprintf(text.W, "MAIL FROM:<%s>%s\r\nRCPT TO:<%s>\r\nDATA\r\n", o.From, c.mailParams, o.To)
	if err == nil {
		err = text.W.Flush()
	}
	if err != nil {
		c.ok = false
		return nil, newSMTPError(PhaseMail, err)
	}
	// Every reply is read, whatever came before, to stay in step.
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
		return &pipeData{WriteCloser: text.DotWriter(), text: text}, nil
	}
	if dataErr == nil {
		// DATA was accepted after a refused MAIL or RCPT: the relay
		// waits for a body we will not send. Drop the connection.
		c.ok = false
		_ = c.c.Close()
		return nil, newSMTPError(phase, err1)
	}
	return nil, c.reject(phase, err1)
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
	if n := len(dst); n > 0 && !(n >= 2 && dst[n-2] == '\r' && dst[n-1] == '\n') {
		dst = append(dst, '\r', '\n')
	}
	return dst
}

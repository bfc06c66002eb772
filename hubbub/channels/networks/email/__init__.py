"""Email: IMAP in, SMTP out, threads by Message-ID/References, attachments kept content-addressed."""

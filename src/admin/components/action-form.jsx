// A record action's form (retry, cancel, revoke, change quota, suspend, credit): GET shows it, the
// submit POSTs the fields to the action, so nothing changes on a plain GET. Options come from action.custom.
import React, { useState } from 'react';
import { Box, Button, FormGroup, Input, Label, MessageBox, Text, TextArea } from '@adminjs/design-system';
import { ApiClient, useNotice } from 'adminjs';

const api = new ApiClient();

const initialValue = (record, field) => {
  if (field.value !== undefined) return field.value;
  if (!field.from || !record) return '';
  const value = record.params[field.from];
  return value === undefined || value === null ? '' : String(value);
};

const randomKey = () => (window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`);

const ActionForm = (props) => {
  const { action, resource, record } = props;
  const custom = action.custom || {};
  const fields = custom.fields || [];
  const [values, setValues] = useState(() => Object.fromEntries(fields.map((f) => [f.name, initialValue(record, f)])));
  const [idempotencyKey] = useState(randomKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const addNotice = useNotice();

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const data = { ...values };
      if (custom.idempotent) data.idempotencyKey = idempotencyKey;
      const response = await api.recordAction({ resourceId: resource.id, recordId: record.id, actionName: action.name, data });
      const body = response.data;
      if (body.notice) addNotice(body.notice);
      if (body.notice && body.notice.type === 'error') {
        setError(body.notice.message);
        setBusy(false);
      } else if (body.redirectUrl) {
        window.location.assign(body.redirectUrl);
      } else {
        setBusy(false);
      }
    } catch (err) {
      const message = (err && err.response && err.response.data && err.response.data.error && err.response.data.error.message) || String(err && err.message);
      setError(message);
      setBusy(false);
    }
  };

  const set = (name) => (event) => setValues({ ...values, [name]: event.target.value });

  return (
    <Box as="form" onSubmit={submit} variant="container" data-testid="action-form">
      {record ? <Text mb="lg">{resource.name}: {record.title}</Text> : null}
      {custom.description ? <Text mb="xl">{custom.description}</Text> : null}
      {error ? <MessageBox mb="xl" message={error} variant="danger" /> : null}
      {fields.map((f) => (
        <FormGroup key={f.name}>
          <Label htmlFor={f.name}>{f.label}</Label>
          {f.type === 'textarea' ? (
            <TextArea id={f.name} name={f.name} width={1} value={values[f.name]} onChange={set(f.name)} />
          ) : (
            <Input id={f.name} name={f.name} width={1} type={f.type === 'number' ? 'number' : 'text'} step="any" value={values[f.name]} onChange={set(f.name)} />
          )}
        </FormGroup>
      ))}
      <Button type="submit" variant="contained" disabled={busy}>
        {custom.submitLabel || 'Submit'}
      </Button>
    </Box>
  );
};

export default ActionForm;

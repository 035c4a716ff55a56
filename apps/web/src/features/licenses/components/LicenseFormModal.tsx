import {
  EXPIRING_LICENSE_TYPES,
  LICENSE_TYPES,
  type License,
  type LicenseType,
  ZCreateLicenseBody,
} from '@keyledger/contract';
import { MultiSelect, NumberInput, Select } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import dayjs from 'dayjs';
import { useState } from 'react';
import { FormModal, ModalForm, useFieldErrors } from '../../../components/form/FormModal';
import { OrderSelect } from '../../orders/components/OrderSelect';
import { ProductSelect } from '../../products/components/ProductSelect';
import { useProduct } from '../../products/hooks/useProducts';
import { useCreateLicense } from '../hooks/useLicenseMutations';
import { LICENSE_TYPE_LABELS } from './LicenseBadges';

const FIELDS = [
  'orderId',
  'productId',
  'type',
  'maxActivations',
  'validUntil',
  'maxConsumptions',
  'features',
];

interface LicenseFormModalProps {
  opened: boolean;
  onClose: () => void;
  /** Issue the license in this order (its page). */
  order?: { id: string; reference: string };
  onCreated?: (license: License) => void;
}

function ProductFeatures({
  productId,
  value,
  onChange,
  error,
}: {
  productId: string;
  value: string[];
  onChange: (v: string[]) => void;
  error?: string;
}) {
  const product = useProduct(productId);
  return (
    <MultiSelect
      label="Features"
      description="The product's features this license turns on"
      data={product.data?.body.features ?? []}
      value={value}
      onChange={onChange}
      error={error}
      clearable
    />
  );
}

function LicenseForm({ order, onClose, onCreated }: Omit<LicenseFormModalProps, 'opened'>) {
  const [orderId, setOrderId] = useState<string | null>(order?.id ?? null);
  const [productId, setProductId] = useState<string | null>(null);
  const [type, setType] = useState<LicenseType>('perpetual');
  const [maxActivations, setMaxActivations] = useState<number | string>(1);
  const [validUntil, setValidUntil] = useState<string | null>(null);
  const [maxConsumptions, setMaxConsumptions] = useState<number | string>(100);
  const [features, setFeatures] = useState<string[]>([]);
  const { errors, validate, onError } = useFieldErrors();
  const create = useCreateLicense((license) => {
    onClose();
    onCreated?.(license);
  });
  const expiring = EXPIRING_LICENSE_TYPES.includes(type);

  const submit = () => {
    const body = validate(ZCreateLicenseBody, {
      orderId: orderId ?? '',
      productId: productId ?? '',
      type,
      maxActivations: Number(maxActivations),
      ...(expiring && { validUntil: validUntil ? dayjs(validUntil).toISOString() : undefined }),
      ...(type === 'consumption' && { maxConsumptions: Number(maxConsumptions) }),
      ...(features.length > 0 && { features }),
    });
    if (body) create.mutate({ body }, { onError });
  };

  return (
    <ModalForm
      onSubmit={submit}
      onCancel={onClose}
      submitLabel="Issue license"
      pending={create.isPending}
      error={create.error}
      errors={errors}
      fields={FIELDS}
    >
      <OrderSelect
        label="Order"
        required
        value={orderId}
        valueLabel={order?.reference}
        onChange={setOrderId}
        error={errors.orderId}
      />
      <ProductSelect
        label="Product"
        required
        value={productId}
        onChange={(id) => {
          setProductId(id);
          setFeatures([]);
        }}
        error={errors.productId}
      />
      <Select
        label="Type"
        required
        allowDeselect={false}
        data={LICENSE_TYPES.map((t) => ({ value: t, label: LICENSE_TYPE_LABELS[t] }))}
        value={type}
        onChange={(v) => v && setType(v as LicenseType)}
        error={errors.type}
      />
      <NumberInput
        label="Max activations"
        description="How many devices may run it at once"
        required
        min={1}
        max={10000}
        value={maxActivations}
        onChange={setMaxActivations}
        error={errors.maxActivations}
      />
      {expiring && (
        <DateTimePicker
          label="Valid until"
          required
          value={validUntil}
          onChange={setValidUntil}
          minDate={new Date()}
          error={errors.validUntil}
        />
      )}
      {type === 'consumption' && (
        <NumberInput
          label="Max consumptions"
          required
          min={1}
          value={maxConsumptions}
          onChange={setMaxConsumptions}
          error={errors.maxConsumptions}
        />
      )}
      {productId && (
        <ProductFeatures
          productId={productId}
          value={features}
          onChange={setFeatures}
          error={errors.features}
        />
      )}
    </ModalForm>
  );
}

export function LicenseFormModal({ opened, ...props }: LicenseFormModalProps) {
  return (
    <FormModal opened={opened} onClose={props.onClose} title="New license">
      <LicenseForm {...props} />
    </FormModal>
  );
}

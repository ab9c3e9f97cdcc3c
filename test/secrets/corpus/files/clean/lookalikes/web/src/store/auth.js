export const LOGIN_TOKEN_REFRESH = 'auth/LOGIN_TOKEN_REFRESH';
export const SET_PASSWORD = 'auth/SET_PASSWORD';
export const RESET_SECRET_QUESTION = 'auth/RESET_SECRET_QUESTION';

export function reducer(state = { token: null, password: '' }, action) {
  switch (action.type) {
    case LOGIN_TOKEN_REFRESH:
      return { ...state, token: action.token };
    default:
      return state;
  }
}
